// cpu-native's portable kernels (what CPUs without AVX2, and arm64, run) against PyTorch, forced
// here with RNNBENCH_NATIVE_ISA=portable before the addon loads.
process.env.RNNBENCH_NATIVE_ISA = 'portable'

import { describeNativeParity } from '../helpers/native-parity'

await describeNativeParity('portable', null)
