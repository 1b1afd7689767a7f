#!/usr/bin/env python3
"""PyTorch's CPU RNNs timed as `rnnbench bench` times a step: forward over the whole sequence and the
full backward with weight gradients, no optimizer. Debian's python3-torch (1.13, OpenBLAS).
    /usr/bin/python3 bench/torch_rnn.py lstm H I B T REPEATS THREADS   → one JSON line"""
import json
import sys
import time

import torch

cell, H, I, B, T, R, threads = sys.argv[1], *map(int, sys.argv[2:8])
torch.set_num_threads(threads)
torch.manual_seed(0)
Net = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn_tanh': torch.nn.RNN}[cell]
net = Net(input_size=I, hidden_size=H)
x = torch.randn(T, B, I, requires_grad=True)
dy = torch.randn(T, B, H)
times = []
for r in range(R + 3):
    t0 = time.perf_counter()
    y, _ = net(x)
    y.backward(dy)
    t = (time.perf_counter() - t0) * 1000
    net.zero_grad(set_to_none=True)
    x.grad = None
    if r >= 3:
        times.append(t)
times.sort()
print(json.dumps({'engine': 'torch', 'cell': cell, 'ms_median': times[len(times) // 2], 'ms_min': times[0], 'version': torch.__version__}))
