// Keeps one core busy in bursts until killed: BUSY ms spinning, then IDLE ms asleep, as a build or
// a browser does beside a sweep on a laptop. Usage: node bench/burst.mjs [BUSY_MS=3000] [IDLE_MS=2000]
const busy = Number(process.argv[2] ?? 3000), idle = Number(process.argv[3] ?? 2000)
function burst() {
  const end = Date.now() + busy
  while (Date.now() < end) { /* spin */ }
  setTimeout(burst, idle)
}
burst()
