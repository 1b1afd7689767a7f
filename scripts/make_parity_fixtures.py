#!/usr/bin/env python3
"""Generate rnnbench's PyTorch golden fixtures (docs/PARITY.md; tolerance: docs/NUMERICS.md §2).

Run with Debian's python3-torch (`apt-get install python3-torch`):
    /usr/bin/python3 scripts/make_parity_fixtures.py
Writes, under test/fixtures/:
  parity/NAME.case.json  a case in the parity format, usable as `rnnbench parity NAME.case.json`
  parity/NAME.out.json   what torch.nn.RNN/LSTM/GRU computes for it in float64
  optim.json             torch.optim.SGD/Adam steps with clip_grad_norm_
  train/NAME.json        a few full training steps (stack + linear head + loss + optimizer)
The tests read only the JSON; they never need Python. Re-running gives identical files (seeded).
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')

MODULES = {
    'rnn_tanh': lambda **kw: torch.nn.RNN(nonlinearity='tanh', **kw),
    'rnn_relu': lambda **kw: torch.nn.RNN(nonlinearity='relu', **kw),
    'lstm': lambda **kw: torch.nn.LSTM(**kw),
    'gru': lambda **kw: torch.nn.GRU(**kw),
}

# name: (I, H, L, bidirectional, B, T, initial states: None | 'h' | 'hc')
SHAPES = {
    'basic': (3, 5, 1, False, 2, 7, None),
    'h0': (4, 6, 1, False, 3, 5, 'hc'),
    'stacked3': (2, 4, 3, False, 2, 9, 'hc'),
    'bidir': (3, 5, 1, True, 2, 6, None),
    'bidir2_h0': (5, 7, 2, True, 3, 11, 'hc'),
    'long50': (3, 8, 2, False, 2, 50, 'hc'),
    'bidir3_long': (2, 3, 3, True, 1, 33, None),
    'tiny': (1, 1, 1, False, 1, 1, 'hc'),
    'wide_batch': (6, 13, 1, True, 9, 4, 'h'),
}


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')


def parity_case(cell, name, shape, seed):
    I, H, L, bidir, B, T, states = shape
    torch.manual_seed(seed)
    D = 2 if bidir else 1
    net = MODULES[cell](input_size=I, hidden_size=H, num_layers=L, bidirectional=bidir)
    x = torch.randn(T, B, I, requires_grad=True)
    dy = torch.randn(T, B, D * H)
    case = {'cell': cell, 'input_size': I, 'hidden_size': H, 'num_layers': L, 'bidirectional': bidir,
            'weights': {k: v.tolist() for k, v in net.state_dict().items()}, 'x': x.tolist(), 'dy': dy.tolist()}
    h0 = c0 = None
    if states:
        h0 = (0.5 * torch.randn(L * D, B, H)).requires_grad_()
        case['h0'] = h0.tolist()
        if cell == 'lstm':
            # 'h': an LSTM case that gives h0 but not c0 (c0 then defaults to zeros).
            c0 = (0.5 * torch.randn(L * D, B, H)).requires_grad_() if states == 'hc' else torch.zeros(L * D, B, H)
            if states == 'hc':
                case['c0'] = c0.tolist()
    if cell == 'lstm':
        y, (hn, cn) = net(x, (h0, c0)) if h0 is not None else net(x)
    else:
        y, hn = net(x, h0) if h0 is not None else net(x)
    (y * dy).sum().backward()
    out = {'y': y.tolist(), 'hn': hn.tolist(), 'grads': {k: p.grad.tolist() for k, p in net.named_parameters()},
           'dx': x.grad.tolist()}
    if cell == 'lstm':
        out['cn'] = cn.tolist()
    if 'h0' in case:
        out['dh0'] = h0.grad.tolist()
    if 'c0' in case:
        out['dc0'] = c0.grad.tolist()
    write(os.path.join(ROOT, 'parity', f'{cell}_{name}.case.json'), case)
    write(os.path.join(ROOT, 'parity', f'{cell}_{name}.out.json'), out)


def optim_fixtures():
    """Each optimizer run: initial params, a gradient per step, params after each step."""
    torch.manual_seed(7)
    n, steps = 12, 5
    p0 = torch.randn(n)
    grads = [3 * torch.randn(n) for _ in range(steps)]
    configs = [
        {'kind': 'sgd', 'lr': 0.1},
        {'kind': 'sgd', 'lr': 0.05, 'momentum': 0.9},
        {'kind': 'sgd', 'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.01},
        {'kind': 'adam', 'lr': 0.01},
        {'kind': 'adam', 'lr': 0.003, 'beta1': 0.8, 'beta2': 0.99, 'eps': 1e-6, 'weightDecay': 0.1},
        {'kind': 'adam', 'lr': 0.01, 'clipNorm': 1.0},
        {'kind': 'sgd', 'lr': 0.1, 'momentum': 0.5, 'clipNorm': 2.5},
    ]
    runs = []
    for cfg in configs:
        p = torch.nn.Parameter(p0.clone())
        if cfg['kind'] == 'sgd':
            opt = torch.optim.SGD([p], lr=cfg['lr'], momentum=cfg.get('momentum', 0),
                                  nesterov=cfg.get('nesterov', False), weight_decay=cfg.get('weightDecay', 0))
        else:
            opt = torch.optim.Adam([p], lr=cfg['lr'], betas=(cfg.get('beta1', 0.9), cfg.get('beta2', 0.999)),
                                   eps=cfg.get('eps', 1e-8), weight_decay=cfg.get('weightDecay', 0))
        after, norms = [], []
        for g in grads:
            p.grad = g.clone()
            if cfg.get('clipNorm'):
                norms.append(float(torch.nn.utils.clip_grad_norm_([p], cfg['clipNorm'])))
            opt.step()
            after.append(p.detach().tolist())
        runs.append({'config': cfg, 'after': after, 'norms': norms})
    write(os.path.join(ROOT, 'optim.json'),
          {'initial': p0.tolist(), 'grads': [g.tolist() for g in grads], 'runs': runs})


def train_fixture(name, cell, I, H, L, bidir, head, O, loss, opt_cfg, B, T, steps, seed):
    """Full training steps: stack + linear head + loss + clipping + optimizer, as the engine does."""
    torch.manual_seed(seed)
    D = 2 if bidir else 1
    net = MODULES[cell](input_size=I, hidden_size=H, num_layers=L, bidirectional=bidir)
    lin = torch.nn.Linear(D * H, O)
    params = list(net.parameters()) + list(lin.parameters())
    flat0 = torch.cat([p.detach().reshape(-1) for p in params]).tolist()
    if opt_cfg['kind'] == 'adam':
        opt = torch.optim.Adam(params, lr=opt_cfg['lr'])
    else:
        opt = torch.optim.SGD(params, lr=opt_cfg['lr'], momentum=opt_cfg.get('momentum', 0))
    batches, losses, norms = [], [], []
    for _ in range(steps):
        x = torch.randn(T, B, I)
        if loss == 'mse':
            target = torch.randn(B, O) if head == 'last' else torch.randn(T, B, O)
        else:
            target = torch.randint(0, O, (B,) if head == 'last' else (T, B))
        opt.zero_grad()
        y, _ = net(x)
        feats = y[-1] if head == 'last' else y.reshape(T * B, D * H)
        pred = lin(feats)
        if loss == 'mse':
            value = torch.nn.functional.mse_loss(pred, target.reshape(pred.shape))
        else:
            value = torch.nn.functional.cross_entropy(pred, target.reshape(-1))
        value.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, opt_cfg.get('clipNorm', float('inf')))))
        opt.step()
        losses.append(float(value))
        batches.append({'x': x.reshape(-1).tolist(), 'targets': target.reshape(-1).tolist()})
    flat = torch.cat([p.detach().reshape(-1) for p in params]).tolist()
    write(os.path.join(ROOT, 'train', f'{name}.json'), {
        'model': {'network': {'cell': cell, 'inputSize': I, 'hiddenSize': H, 'numLayers': L, 'bidirectional': bidir,
                              'dropout': 0}, 'head': {'kind': head, 'outputSize': O, 'loss': loss}},
        'optimizer': opt_cfg, 'T': T, 'B': B, 'initial': flat0, 'batches': batches, 'losses': losses,
        'gradNorms': norms, 'final': flat})


def main():
    seed = 1000
    for cell in MODULES:
        for name, shape in SHAPES.items():
            seed += 1
            parity_case(cell, name, shape, seed)
    optim_fixtures()
    train_fixture('lstm_last_mse_adam', 'lstm', 3, 6, 2, False, 'last', 2, 'mse',
                  {'kind': 'adam', 'lr': 0.01, 'clipNorm': 0.5}, 4, 8, 4, 1)
    train_fixture('gru_every_ce_sgd', 'gru', 4, 5, 1, True, 'every', 3, 'cross_entropy',
                  {'kind': 'sgd', 'lr': 0.1, 'momentum': 0.9}, 3, 6, 4, 2)
    train_fixture('rnn_tanh_last_ce_adam', 'rnn_tanh', 2, 7, 2, True, 'last', 4, 'cross_entropy',
                  {'kind': 'adam', 'lr': 0.005, 'clipNorm': 1.0}, 5, 10, 4, 3)


if __name__ == '__main__':
    main()
