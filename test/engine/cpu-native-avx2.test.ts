// cpu-native's AVX2/FMA kernels (what CPUs without AVX-512 run) against PyTorch, forced here with
// RNNBENCH_NATIVE_ISA=avx2 before the addon loads. On a CPU with AVX-512 the other test files run
// the AVX-512 GEMM kernel.
process.env.RNNBENCH_NATIVE_ISA = 'avx2'

import { cpuFlags, describeNativeParity } from '../helpers/native-parity'

const flags = cpuFlags()
await describeNativeParity('avx2-fma', flags === null ? 'no /proc/cpuinfo to read the CPU flags from' : flags.includes('avx2') && flags.includes('fma') ? null : 'this CPU has no AVX2/FMA')
