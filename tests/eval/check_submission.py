# SPDX-License-Identifier: MIT
"""Independent reader of the SIDD submission files written by n2n_raw (h5py, scipy, base64).

usage: check_submission.py KIND PATH N B H W [TIME]
KIND: v73 | v5 | csv-f32 | csv-u16. Expected blocks, in MATLAB orientation (row = height):
  float:  i*100 + b*10 + r*0.125 + c/512      uint16: i*5000 + b*2000 + r*W + c
Exits 3 when a block's values differ from the expected ones (the failure the orientation test
# provokes), 1 (an assertion) on any other mismatch.
"""
import base64
import sys

import numpy as np

kind, path = sys.argv[1], sys.argv[2]
N, B, H, W = map(int, sys.argv[3:7])
r = np.arange(H)[:, None]
c = np.arange(W)[None, :]


VALUE_MISMATCH = 3


def values_match(actual, expected, where):
    if actual.shape != expected.shape or not np.array_equal(actual, expected):
        print(f"value mismatch in block {where}")
        sys.exit(VALUE_MISMATCH)


def expected_float(i, b):
    return (i * 100 + b * 10 + r * 0.125 + c / 512.0).astype(np.float32)


def expected_u16(i, b):
    return (i * 5000 + b * 2000 + r * W + c).astype(np.uint16)


def matlab_string(ds):
    assert ds.attrs['MATLAB_class'] == b'char', ds.attrs['MATLAB_class']
    if 'MATLAB_empty' in ds.attrs:
        return ''
    assert ds.dtype == np.uint16 and ds.shape[1] == 1, (ds.dtype, ds.shape)
    return ''.join(chr(u) for u in ds[()][:, 0])


if kind == 'v73':
    import h5py
    with open(path, 'rb') as f:
        head = f.read(128)
    assert head.startswith(b'MATLAB 7.3 MAT-file'), head
    assert b'HDF5 schema 1.00' in head and head[126:128] == b'IM', head
    with h5py.File(path, 'r') as f:
        assert f.userblock_size == 512
        cells = f['DenoisedBlocksRaw']
        assert cells.attrs['MATLAB_class'] == b'cell'
        assert cells.shape == (B, N), cells.shape  # MATLAB N x B, column-major
        assert h5py.check_dtype(ref=cells.dtype) is h5py.Reference
        for i in range(N):
            for b in range(B):
                block = f[cells[b, i]]
                assert block.name.startswith('/#refs#/'), block.name
                assert block.attrs['MATLAB_class'] == b'single'
                assert block.dtype == np.float32 and block.shape == (W, H), (block.dtype, block.shape)
                values_match(block[()].T, expected_float(i, b), (i, b))
        t = f['TimeMPRaw']
        assert t.attrs['MATLAB_class'] == b'double' and t.shape == (1, 1) and t.dtype == np.float64
        assert abs(t[0, 0] - float(sys.argv[7])) < 1e-12, t[0, 0]
        od = f['OptionalData']
        assert isinstance(od, h5py.Group) and od.attrs['MATLAB_class'] == b'struct'
        names = [b''.join(x).decode() for x in od.attrs['MATLAB_fields']]
        assert names == ['MethodName', 'Authors', 'PaperTitle', 'Venue', 'MachineSpecs'], names
        assert matlab_string(od['MethodName']) == 'N2N raw (test)'
        assert matlab_string(od['Authors']) == 'Ä. Author'
        assert matlab_string(od['PaperTitle']) == 'Neighbor2Neighbor'
        assert matlab_string(od['Venue']) == ''
        assert matlab_string(od['MachineSpecs']) == '2 cores'
elif kind == 'v5':
    import scipy.io
    m = scipy.io.loadmat(path)
    a = m['DenoisedBlocksRaw']
    assert a.dtype == np.float32 and a.shape == (N, B, H, W), (a.dtype, a.shape)
    for i in range(N):
        for b in range(B):
            values_match(a[i, b], expected_float(i, b), (i, b))
    t = m['TimeMPRaw']
    assert t.shape == (1, 1) and t.dtype == np.float64 and abs(t[0, 0] - float(sys.argv[7])) < 1e-12
elif kind in ('csv-f32', 'csv-u16'):
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines[0] == 'ID,BLOCK', lines[0]
    assert len(lines) == 1 + N * B, len(lines)
    dtype, expected = (np.float32, expected_float) if kind == 'csv-f32' else (np.uint16, expected_u16)
    for k, line in enumerate(lines[1:]):
        ident, blob = line.split(',')
        assert int(ident) == k
        block = np.frombuffer(base64.b64decode(blob), dtype=np.dtype(dtype).newbyteorder('<')).reshape(H, W)
        values_match(block, expected(k // B, k % B), k)
else:
    raise SystemExit('unknown kind ' + kind)
print('ok', kind)
