# The PyTorch side of the torch-cpu, torch-cuda and torch-mps backends: one process per rnnbench
# worker, driven over its stdin and stdout (src-main/engine/torch/process.ts is the other end).
#
# rnnbench decides everything that makes two runs comparable: the initial weights (drawn by its own
# seeded RNG), every batch, the optimizer's settings. This program only builds torch.nn.RNN / LSTM /
# GRU and a torch.nn.Linear head with those weights and runs them with torch's own loss, clipping
# and torch.optim, timing each step from inside Python, so what a step costs here is what it costs
# in a user's own PyTorch script.
#
# Protocol (docs/TORCH.md): every message either way is one frame,
#   u32 n | u32 h | h bytes of JSON header | n - 4 - h bytes of arrays
# little-endian. The header's "arrays" lists [name, dtype, count] for the raw arrays that follow,
# in order (dtype f32 or i32). Requests carry an "id"; each answer repeats it with "ok" true or
# false ("error": one line; "traceback": the rest). Requests are answered one at a time, in order.
#
# It needs only torch (1.10 or later, for torch.frombuffer): no numpy.

import ctypes
import json
import math
import os
import platform
import struct
import sys
import time
import traceback

PROTOCOL_VERSION = 1

# The protocol owns fd 1. Anything a library prints goes to stderr instead, where rnnbench keeps the
# last lines as the reason when this process dies.
_out = os.fdopen(os.dup(1), 'wb', buffering=0)
os.dup2(2, 1)
sys.stdout = sys.stderr
_in = sys.stdin.buffer


def read_exact(n):
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = _in.readinto(view[got:])
        if not k:
            return None
        got += k
    return buf


def read_frame():
    head = read_exact(4)
    if head is None:
        return None
    (n,) = struct.unpack('<I', head)
    body = read_exact(n)
    if body is None:
        return None
    (h,) = struct.unpack_from('<I', body, 0)
    header = json.loads(bytes(body[4:4 + h]).decode('utf-8'))
    arrays, off = {}, 4 + h
    for name, dtype, count in header.get('arrays', []):
        size = 4 * count
        arrays[name] = (dtype, memoryview(body)[off:off + size], count)
        off += size
    return header, arrays


def write_frame(header, arrays=()):
    """arrays: (name, tensor) pairs; tensors are copied to the CPU as float32 or int32."""
    blobs, specs = [], []
    for name, t in arrays:
        t = t.detach()
        if t.dtype not in (torch.float32, torch.int32):
            t = t.float()
        t = t.to('cpu').contiguous()
        blobs.append(ctypes.string_at(t.data_ptr(), t.numel() * 4) if t.numel() else b'')
        specs.append([name, 'f32' if t.dtype == torch.float32 else 'i32', t.numel()])
    header = {k: finite_or_word(v) for k, v in dict(header, arrays=specs).items()}
    head = json.dumps(header, separators=(',', ':'), allow_nan=False).encode('utf-8')
    size = 4 + len(head) + sum(len(b) for b in blobs)
    _out.write(struct.pack('<II', size, len(head)) + head)
    for b in blobs:
        _out.write(b)


def finite_or_word(v):
    """JSON has no NaN: a diverged loss travels as the word JavaScript's Number() reads back."""
    if isinstance(v, float) and not math.isfinite(v):
        return 'NaN' if math.isnan(v) else ('Infinity' if v > 0 else '-Infinity')
    return v


# ---------------------------------------------------------------------------------------------
# What this Python has: answered before torch is imported, so that a missing torch is a reason.

def python_info():
    return {'python': platform.python_version(), 'executable': sys.executable, 'platform': platform.platform()}


try:
    import torch
    import torch.nn.functional as F
    TORCH_ERROR = None
except Exception as err:  # ImportError, or a torch that fails while loading its libraries
    torch = None
    TORCH_ERROR = '%s: %s' % (type(err).__name__, err)


def loaded_libraries(words):
    """Shared libraries of this process whose file names contain one of the words (Linux only)."""
    found = []
    try:
        with open('/proc/self/maps') as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ''
                base = os.path.basename(path).lower()
                if path.startswith('/') and any(w in base for w in words) and path not in found:
                    found.append(os.path.realpath(path))
    except OSError:
        pass
    return sorted(set(found))


def build_setting(key):
    for part in torch.__config__.show().replace('\n', ',').split(','):
        k, _, v = part.strip().partition('=')
        if k == key:
            return v
    return None


def probe():
    info = python_info()
    if torch is None:
        info['error'] = TORCH_ERROR
        return info
    info['torch'] = torch.__version__
    if not hasattr(torch, 'frombuffer'):
        info['error'] = 'torch %s is too old: rnnbench needs torch 1.10 or later' % torch.__version__
        return info
    blas = loaded_libraries(('blas', 'mkl_rt', 'mkl_core', 'libmkl'))
    info['cpu'] = {
        'threads': torch.get_num_threads(),
        'blas': build_setting('BLAS_INFO'),
        'blasLibraries': blas,
        'mkldnn': torch.backends.mkldnn.is_available(),
        'capability': torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else None,
    }
    cuda = {'available': torch.cuda.is_available(), 'version': torch.version.cuda}
    if cuda['available']:
        cuda['devices'] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        cuda['cudnn'] = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    elif torch.version.cuda is None:
        cuda['reason'] = 'this torch %s was built without CUDA' % torch.__version__
    else:
        cuda['reason'] = 'torch %s has CUDA %s but finds no GPU (torch.cuda.is_available() is False)' % (torch.__version__, torch.version.cuda)
    info['cuda'] = cuda
    mps = getattr(torch.backends, 'mps', None)
    if mps is not None and mps.is_available():
        info['mps'] = {'available': True}
    else:
        info['mps'] = {'available': False, 'reason': 'torch %s has no MPS device here (Apple silicon with macOS 12.3 or later only)' % torch.__version__}
    return info


# ---------------------------------------------------------------------------------------------
# Models: a torch.nn recurrent module, an optional linear head, and an optimizer.

def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    elif device.type == 'mps':
        torch.mps.synchronize()


def now_ms(device):
    sync(device)
    return time.perf_counter() * 1000.0


class Model:
    def __init__(self, req):
        net = req['network']
        self.device = torch.device(req['device'])
        self.cell = net['cell']
        self.L, self.H = net['numLayers'], net['hiddenSize']
        self.D = 2 if net['bidirectional'] else 1
        kind = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}.get(self.cell, torch.nn.RNN)
        extra = {'nonlinearity': 'relu' if self.cell == 'rnn_relu' else 'tanh'} if kind is torch.nn.RNN else {}
        self.rnn = kind(net['inputSize'], self.H, num_layers=self.L, bidirectional=self.D == 2,
                        dropout=net['dropout'], **extra).to(self.device)
        head = req.get('head')
        self.head_kind = head and head['kind']
        self.loss_kind = head and head['loss']
        self.head = torch.nn.Linear(self.D * self.H, head['outputSize']).to(self.device) if head else None
        # The parameters in rnnbench's layout order (the state_dict's), checked against its shapes.
        modules = {'head': self.head}
        self.params = []
        for name, shape in req['layout']:
            owner, _, attr = name.rpartition('.')
            p = getattr(modules[owner] if owner else self.rnn, attr)
            if list(p.shape) != list(shape):
                raise ValueError('%s has shape %s in torch, %s in rnnbench' % (name, list(p.shape), shape))
            self.params.append(p)
        self.rnn_params = list(self.rnn.parameters())
        self.optimizer = None
        self.clip = 0.0
        self.saved = {}  # (T, B, training) -> bytes autograd keeps for the backward
        if self.device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(self.device)

    # Flat buffers in layout order.
    def set_flat(self, flat):
        off = 0
        with torch.no_grad():
            for p in self.params:
                n = p.numel()
                p.copy_(flat[off:off + n].view_as(p))
                off += n

    def flat(self, grads):
        parts = []
        for p in self.params:
            g = p.grad if grads else p
            parts.append(torch.zeros(p.numel(), device=p.device) if g is None else g.detach().reshape(-1))
        return torch.cat(parts)

    def set_optimizer(self, cfg):
        wd = cfg.get('weightDecay') or 0.0
        if cfg['kind'] == 'adam':
            self.optimizer = torch.optim.Adam(self.params, lr=cfg['lr'], betas=(cfg.get('beta1', 0.9), cfg.get('beta2', 0.999)),
                                              eps=cfg.get('eps', 1e-8), weight_decay=wd)
        else:
            momentum = cfg.get('momentum') or 0.0
            self.optimizer = torch.optim.SGD(self.params, lr=cfg['lr'], momentum=momentum,
                                             nesterov=bool(cfg.get('nesterov')) and momentum > 0, weight_decay=wd)
        self.clip = cfg.get('clipNorm') or 0.0

    def initial_state(self, arrays, T, B, requires_grad=False):
        shape = (self.L * self.D, B, self.H)
        def state(name):
            t = tensor(arrays, name, self.device)
            t = t.view(shape) if t is not None else torch.zeros(shape, device=self.device)
            return t.requires_grad_(requires_grad)
        h0 = state('h0')
        return (h0, state('c0')) if self.cell == 'lstm' else h0

    def features(self, y, T, B):
        return y[T - 1] if self.head_kind == 'last' else y.reshape(T * B, -1)

    def loss(self, logits, targets):
        if self.loss_kind == 'mse':
            return F.mse_loss(logits, targets.view_as(logits).float())
        return F.cross_entropy(logits, targets.long())

    def train_step(self, req, arrays):
        T, B = req['T'], req['B']
        x = tensor(arrays, 'x', self.device).view(T, B, -1)
        targets = tensor(arrays, 'targets', self.device)
        state = self.initial_state(arrays, T, B)
        self.rnn.train()
        if self.rnn.dropout > 0:
            torch.manual_seed(req.get('dropoutSeed', 0))
        for p in self.params:
            p.grad = None
        t0 = now_ms(self.device)
        y, _ = self.rnn(x, state)
        logits = self.head(self.features(y, T, B))
        loss = self.loss(logits, targets)
        t1 = now_ms(self.device)
        loss.backward()
        t2 = now_ms(self.device)
        if self.clip > 0:
            norm = torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        else:
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad) for p in self.params]))
        t3 = now_ms(self.device)
        out = []
        if req.get('gradFlow'):  # untimed: between the clipping and the update, on the step's weights
            out.append(('gradFlow', self.grad_flow(x, targets, state, T, B)))
        t4 = now_ms(self.device)
        if req.get('update', True):
            self.optimizer.step()
        t5 = now_ms(self.device)
        return {'loss': loss.item(), 'gradNorm': float(norm), 'forwardMs': t1 - t0, 'backwardMs': t2 - t1,
                'stepMs': (t3 - t0) + (t5 - t4), 'activationBytes': self.saved_bytes(x, state, T, B, True), **self.peak()}, out

    def grad_flow(self, x, targets, state, T, B):
        """‖∂L/∂h_t‖ per layer-direction and timestep, the total gradient reaching each h_t (from
        above and from step t+1), [L·D, T]. torch's fused kernels never expose it, so it is taken
        from an unrolled copy of the network with the step's weights and batch, with dropout off."""
        weights = {name: p.detach().requires_grad_(True) for name, p in self.rnn.named_parameters()}
        h0 = state[0] if isinstance(state, tuple) else state
        c0 = state[1] if isinstance(state, tuple) else None
        layer_in, hs_all = x, []
        for l in range(self.L):
            outs = []
            for d in range(self.D):
                s = 'l%d%s' % (l, '_reverse' if d else '')
                w_ih, w_hh = weights['weight_ih_' + s], weights['weight_hh_' + s]
                b_ih, b_hh = weights['bias_ih_' + s], weights['bias_hh_' + s]
                h = h0[l * self.D + d].detach()
                c = c0[l * self.D + d].detach() if c0 is not None else None
                hs = [None] * T
                gx = F.linear(layer_in, w_ih, b_ih)  # [T, B, G·H]
                for k in range(T):
                    t = T - 1 - k if d else k
                    gh = F.linear(h, w_hh, b_hh)
                    h, c = cell_step(self.cell, gx[t], gh, h, c)
                    hs[t] = h
                hs_all.append(hs)
                outs.append(torch.stack(hs))
            layer_in = torch.cat(outs, dim=2) if self.D == 2 else outs[0]
        loss = self.loss(self.head(self.features(layer_in, T, B)), targets)
        flat = [h for hs in hs_all for h in hs]
        grads = torch.autograd.grad(loss, flat, allow_unused=True)
        norms = torch.tensor([0.0 if g is None else float(torch.linalg.vector_norm(g)) for g in grads], dtype=torch.float32)
        return norms

    def run_stack(self, req, arrays):
        T, B = req['T'], req['B']
        backward = 'dy' in arrays
        x = tensor(arrays, 'x', self.device).view(T, B, -1).requires_grad_(backward)
        state = self.initial_state(arrays, T, B, requires_grad=backward)
        self.rnn.eval()  # no dropout, as rnnbench's own backends run the bare stack
        for p in self.rnn_params:
            p.grad = None
        t0 = now_ms(self.device)
        y, final = self.rnn(x, state)
        t1 = now_ms(self.device)
        if backward:
            torch.autograd.backward([y], [tensor(arrays, 'dy', self.device).view_as(y)])
        t2 = now_ms(self.device)
        hn, cn = final if self.cell == 'lstm' else (final, None)
        out = [('y', y), ('hn', hn)] + ([('cn', cn)] if cn is not None else [])
        if backward:
            h0, c0 = state if self.cell == 'lstm' else (state, None)
            out += [('dx', x.grad), ('dh0', h0.grad)] + ([('dc0', c0.grad)] if c0 is not None else [])
        answer = {'forwardMs': t1 - t0, 'backwardMs': t2 - t1 if backward else 0.0, 'totalMs': t2 - t0, **self.peak()}
        answer['activationBytes'] = self.saved_bytes(x, state, T, B, False)
        return answer, out

    def predict(self, req, arrays):
        T, B = req['T'], req['B']
        x = tensor(arrays, 'x', self.device).view(T, B, -1)
        self.rnn.eval()
        with torch.no_grad():
            y, _ = self.rnn(x, self.initial_state(arrays, T, B))
            logits = self.head(self.features(y, T, B))
        return {}, [('out', logits)]

    def saved_bytes(self, x, state, T, B, training):
        """The bytes autograd keeps from the stack's forward for its backward, measured once per
        shape by an untimed forward that watches every tensor saved (the parameters and the inputs
        left out, as rnnbench's own backends count): PyTorch's real figure, on any device."""
        key = (T, B, training)
        if key not in self.saved:
            inputs = [x] + (list(state) if isinstance(state, tuple) else [state])
            skip = {storage_of(t)[0] for t in self.params + inputs}
            kept = {}
            def pack(t):
                ptr, nbytes = storage_of(t)
                if ptr not in skip:
                    kept[ptr] = nbytes
                return t
            self.rnn.train(training)
            with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
                x_ = x.detach().requires_grad_(True)
                self.rnn(x_, state)
            kept.pop(storage_of(x_)[0], None)
            self.saved[key] = sum(kept.values())
        return self.saved[key]

    def peak(self):
        """The CUDA allocator's peak since the model was built; the CPU allocator cannot tell."""
        if self.device.type == 'cuda':
            return {'deviceBytes': torch.cuda.max_memory_allocated(self.device)}
        return {}


def cell_step(cell, gx, gh, h, c):
    """One step of PyTorch's cell equations from the two projections [B, G·H], for the unrolled copy."""
    if cell == 'lstm':
        i, f, g, o = (gx + gh).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c
    if cell == 'gru':
        xr, xz, xn = gx.chunk(3, dim=1)
        hr, hz, hn = gh.chunk(3, dim=1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        return (1 - z) * n + z * h, None
    act = torch.relu if cell == 'rnn_relu' else torch.tanh
    return act(gx + gh), None


def storage_of(t):
    """(address, bytes) of the memory a tensor views: views of one buffer count once."""
    s = t.untyped_storage() if hasattr(t, 'untyped_storage') else t.storage()
    return s.data_ptr(), s.nbytes()


def tensor(arrays, name, device):
    if name not in arrays:
        return None
    dtype, view, count = arrays[name]
    t = torch.frombuffer(view, dtype=torch.float32 if dtype == 'f32' else torch.int32, count=count) if count else \
        torch.zeros(0, dtype=torch.float32 if dtype == 'f32' else torch.int32)
    return t.to(device)


# ---------------------------------------------------------------------------------------------

# The pipe's protocol: every op, the header fields and arrays of its request and of its answer; a
# name ending in '?' may be absent. The same table as src-main/engine/torch/protocol.ts, which a
# test compares with this one (written as JSON between the markers for that reason).
# protocol table begins
OPS = json.loads('''{
  "hello": {"fields": [], "arrays": [], "reply": ["protocol", "pid", "python", "executable", "platform"], "replyArrays": []},
  "create": {"fields": ["model", "device", "threads", "network", "head", "layout"], "arrays": [], "reply": [], "replyArrays": []},
  "dispose": {"fields": ["model"], "arrays": [], "reply": [], "replyArrays": []},
  "setParameters": {"fields": ["model"], "arrays": ["values"], "reply": [], "replyArrays": []},
  "getParameters": {"fields": ["model"], "arrays": [], "reply": [], "replyArrays": ["values"]},
  "getGradients": {"fields": ["model"], "arrays": [], "reply": [], "replyArrays": ["values"]},
  "setOptimizer": {"fields": ["model", "optimizer"], "arrays": [], "reply": [], "replyArrays": []},
  "trainStep": {"fields": ["model", "T", "B", "gradFlow", "dropoutSeed", "update"], "arrays": ["x", "targets", "h0?", "c0?"],
                "reply": ["loss", "gradNorm", "forwardMs", "backwardMs", "stepMs", "activationBytes", "deviceBytes?"], "replyArrays": ["gradFlow?"]},
  "runStack": {"fields": ["model", "T", "B"], "arrays": ["x", "h0?", "c0?", "dy?"],
               "reply": ["forwardMs", "backwardMs", "totalMs", "deviceBytes?"], "replyArrays": ["y", "hn", "cn?", "dx?", "dh0?", "dc0?"]},
  "predict": {"fields": ["model", "T", "B"], "arrays": ["x", "h0?", "c0?"], "reply": [], "replyArrays": ["out"]}
}''')
# protocol table ends


def breach(op, side, header, arrays):
    """What a frame breaks of the table, in words; None when it keeps it."""
    spec = OPS.get(op)
    if spec is None:
        return 'unknown op %r; the protocol has %s' % (op, ', '.join(OPS))
    fields, names = (spec['fields'], spec['arrays']) if side == 'request' else (spec['reply'], spec['replyArrays'])
    for f in fields:
        if not f.endswith('?') and f not in header:
            return 'the %s %s lacks its %s field' % (op, side, f)
    for a in names:
        if not a.endswith('?') and a not in arrays:
            return 'the %s %s lacks its %s array' % (op, side, a)
    allowed = {a.rstrip('?') for a in names}
    for a in arrays:
        if a not in allowed:
            return 'the %s %s carries an array %r the protocol does not name' % (op, side, a)
    return None


def serve():
    models = {}
    while True:
        frame = read_frame()
        if frame is None:
            return  # rnnbench closed the pipe: it is done, or gone
        req, arrays = frame
        rid, op = req.get('id'), req.get('op')
        try:
            answer, out = {}, []
            wrong = breach(op, 'request', req, arrays)
            if wrong:
                raise ValueError(wrong)
            if op == 'hello':
                answer = dict(probe(), protocol=PROTOCOL_VERSION, pid=os.getpid())
            elif op == 'create':
                if torch is None:
                    raise RuntimeError(TORCH_ERROR)
                torch.set_num_threads(max(1, int(req.get('threads', 1))))
                models[req['model']] = Model(req)
            elif op == 'dispose':
                models.pop(req['model'], None)
            else:
                m = models.get(req.get('model'))
                if m is None:
                    raise KeyError('no model %r in this process' % req.get('model'))
                if op == 'setParameters':
                    m.set_flat(tensor(arrays, 'values', m.device))
                elif op == 'getParameters':
                    out = [('values', m.flat(grads=False))]
                elif op == 'getGradients':
                    out = [('values', m.flat(grads=True))]
                elif op == 'setOptimizer':
                    m.set_optimizer(req['optimizer'])
                elif op == 'trainStep':
                    answer, out = m.train_step(req, arrays)
                elif op == 'runStack':
                    answer, out = m.run_stack(req, arrays)
                elif op == 'predict':
                    answer, out = m.predict(req, arrays)
            wrong = breach(op, 'reply', answer, [name for name, _ in out])
            if wrong:
                raise RuntimeError(wrong)
            write_frame(dict(answer, id=rid, ok=True), out)
        except Exception as err:
            write_frame({'id': rid, 'ok': False, 'error': '%s: %s' % (type(err).__name__, err), 'traceback': traceback.format_exc()})


if __name__ == '__main__':
    serve()
