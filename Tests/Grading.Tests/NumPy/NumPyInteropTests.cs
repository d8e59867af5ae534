// Interoperation with real NumPy (Debian's /usr/bin/python3 with numpy; skipped without it,
// failing in CI). Both directions, with the truth always on the other side:
//  (a) NumPy writes files in every accepted dtype, byte order, memory order and format
//      version (and archives with np.savez / np.savez_compressed) plus a manifest of the
//      values it stored, as float64 bit patterns; our reader must return exactly those.
//      NumPy also writes forms we must reject (strings, bools, complex, objects, ...).
//  (b) Our writer writes files and archives plus a manifest; a NumPy script loads them with
//      np.load, compares every value bit for bit, checks that np.save of the same array
//      gives byte-identical output, and exits non-zero on any mismatch.
using System.Text.Json.Nodes;
using NUnit.Framework;
using Rnn.Grading.NumPy;
using Rnn.Reference.Tensors;
using Rnn.Grading.Tests.Support;

namespace Rnn.Grading.Tests.NumPy;

public sealed class NumPyInteropTests
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory()
    {
        _dir = Path.Combine(Path.GetTempPath(), "rnn-npy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void RemoveDirectory()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string RunPython(string script, string python)
    {
        string path = Path.Combine(_dir, "script.py");
        File.WriteAllText(path, script);
        var (code, stdout, stderr) = ExternalTools.Run(python, [path, _dir], TimeSpan.FromMinutes(2));
        TestContext.Out.WriteLine(stdout);
        Assert.That(code, Is.EqualTo(0), $"the NumPy script failed:\n{stdout}\n{stderr}");
        return stdout;
    }

    // ----- (a) NumPy writes, we read -------------------------------------------------------------

    private const string NumPyWrites = """
        # Writes .npy/.npz files with NumPy into sys.argv[1], and manifest.json describing them:
        # each array's dtype, shape, fortran_order, format version and its values in C order as
        # float64 bit patterns (hex). Every value chosen is exactly a double.
        import json, os, struct, sys
        import numpy as np

        out = sys.argv[1]

        def bits(a):
            flat = np.ascontiguousarray(a).reshape(-1).tolist()   # Python floats/ints, widened exactly
            return ['%016x' % struct.unpack('<Q', struct.pack('<d', float(v)))[0] for v in flat]

        def values(descr, n):
            if descr[1] == 'f':
                v = np.arange(n, dtype=np.float64) * 0.37 - 1.5
                tiny, big = (1e-310, 1e300) if descr[2] == '8' else (1e-40, 3e38)   # subnormal, near the top
                special = [-0.0, np.inf, -np.inf, np.nan, 1 / 3, tiny, big]
            else:
                v = np.arange(n, dtype=np.int64) * 7919 - 20
                special = [2**53, -2**53, 2**62, -2**63, 2**53 - 1] if descr[2] == '8' else [-2**31, 2**31 - 1]
            k = min(n, len(special))
            v[:k] = special[:k]
            return v.astype(descr)

        def header_of(path):
            with open(path, 'rb') as f:
                version = np.lib.format.read_magic(f)
                shape, fortran, dtype = np.lib.format._read_array_header(f, version)
            return version, fortran

        manifest = {'npy': [], 'npz': [], 'rejected': []}
        layouts = [((2, 3, 4), 'C'), ((2, 3, 4), 'F'), ((4, 3), 'F'), ((3, 1, 2), 'F'), ((5,), 'C'),
                   ((), 'C'), ((0, 3), 'C'), ((3, 0), 'F'), ((1, 1), 'C')]
        n = 0
        for descr in ['<f8', '<f4', '<i8', '<i4', '>f8', '>f4', '>i8', '>i4']:
            for version in [(1, 0), (2, 0), (3, 0)]:
                for shape, order in layouts:
                    count = int(np.prod(shape))
                    a = values(descr, count).reshape(shape)
                    if order == 'F':
                        a = np.asfortranarray(a)
                    name = 'a%03d.npy' % n
                    n += 1
                    path = os.path.join(out, name)
                    with open(path, 'wb') as f:
                        np.lib.format.write_array(f, a, version=version)
                    v, fortran = header_of(path)
                    manifest['npy'].append({'file': name, 'descr': a.dtype.str, 'shape': list(a.shape),
                                            'fortran_order': fortran, 'version': '%d.%d' % v, 'bits': bits(a)})

        # np.save itself, letting NumPy choose the version
        a = values('<f8', 6).reshape(3, 2)
        np.save(os.path.join(out, 'saved.npy'), a)
        manifest['npy'].append({'file': 'saved.npy', 'descr': '<f8', 'shape': [3, 2], 'fortran_order': False,
                                'version': '1.0', 'bits': bits(a)})

        def archive(name, save, *args, **kwargs):
            path = os.path.join(out, name)
            save(path, *args, **kwargs)
            arrays = []
            with np.load(path, allow_pickle=False) as z:
                for key in z.files:            # the archive's order
                    a = z[key]
                    arrays.append({'key': key, 'descr': a.dtype.str, 'shape': list(a.shape), 'bits': bits(a)})
            manifest['npz'].append({'file': name, 'arrays': arrays})

        named = {
            'lstm/0/params/weight_ih_l0': values('<f8', 24).reshape(8, 3),
            'lstm/0/grads/h0': np.asfortranarray(values('<f4', 6).reshape(2, 3)),
            'loss': np.array(0.6931471805599453),
            'steps': values('>i8', 5),
            'empty': np.zeros((0, 2)),
        }
        archive('savez.npz', np.savez, **named)
        archive('savez_compressed.npz', np.savez_compressed, **named)
        archive('positional.npz', np.savez, values('<i4', 4), values('<f8', 3))

        # Forms NumPy writes that the reader must reject, with a piece of the expected message.
        def reject(name, a, fragment, allow_pickle=False):
            np.save(os.path.join(out, name), a, allow_pickle=allow_pickle)
            manifest['rejected'].append({'file': name, 'fragment': fragment})

        reject('r_str.npy', np.array(['ab', 'c']), "descr is '<U2'")
        reject('r_bytes.npy', np.array([b'ab']), "descr is '|S2'")
        reject('r_bool.npy', np.array([True, False]), "descr is '|b1'")
        reject('r_complex.npy', np.array([1 + 2j]), "descr is '<c16'")
        reject('r_uint.npy', np.array([1, 2], dtype='<u4'), "descr is '<u4'")
        reject('r_half.npy', np.array([1.5], dtype='<f2'), "descr is '<f2'")
        reject('r_date.npy', np.array(['2024-01-01'], dtype='datetime64[D]'), "descr is '<M8[D]'")
        reject('r_object.npy', np.array([1, 'a', None], dtype=object), "descr is '|O'", allow_pickle=True)
        reject('r_struct.npy', np.zeros(2, dtype=[('a', '<f8'), ('b', '<i4')]), 'structured dtype')
        reject('r_int64.npy', np.array([0, 2**53 + 1], dtype='<i8'), 'cannot hold exactly')

        with open(os.path.join(out, 'manifest.json'), 'w') as f:
            json.dump(manifest, f)
        print('numpy %s wrote %d .npy files, %d archives, %d files to reject'
              % (np.__version__, len(manifest['npy']), len(manifest['npz']), len(manifest['rejected'])))
        """;

    [Test]
    public void ReaderGetsExactlyWhatNumPyWrote()
    {
        string python = ExternalTools.RequirePython("numpy");
        RunPython(NumPyWrites, python);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "manifest.json")))!;

        var seen = new HashSet<string>();   // descr / version / order combinations actually read
        foreach (var e in manifest["npy"]!.AsArray())
        {
            string file = (string)e!["file"]!;
            var a = Npy.Read(File.ReadAllBytes(Path.Combine(_dir, file)), file);
            AssertMatches(a, e, file);
            seen.Add($"{a.DType.Descr} v{(string)e["version"]!} {((bool)e["fortran_order"]! ? "F" : "C")}");
        }
        // every dtype in every version in both orders came out of NumPy and was read
        Assert.That(seen, Has.Count.EqualTo(8 * 3 * 2), string.Join(", ", seen.Order()));

        foreach (var z in manifest["npz"]!.AsArray())
        {
            string file = (string)z!["file"]!;
            using var s = File.OpenRead(Path.Combine(_dir, file));
            var arrays = Npz.Read(s, file);
            var expected = z["arrays"]!.AsArray();
            Assert.That(arrays.Select(p => p.Key), Is.EqualTo(expected.Select(x => (string)x!["key"]!)), file);
            for (int i = 0; i < arrays.Count; i++)
                AssertMatches(arrays[i].Array, expected[i]!, $"{file}[{arrays[i].Key}]");
        }

        foreach (var r in manifest["rejected"]!.AsArray())
        {
            string file = (string)r!["file"]!;
            var e = Assert.Throws<NpyFormatException>(() => Npy.Read(File.ReadAllBytes(Path.Combine(_dir, file)), file), file);
            Assert.That(e!.Message, Does.StartWith(file + ": ").And.Contain((string)r["fragment"]!));
            TestContext.Out.WriteLine(e.Message);
        }
    }

    private static void AssertMatches(NpyArray a, JsonNode expected, string where)
    {
        Assert.That(a.DType.Descr, Is.EqualTo((string)expected["descr"]!), where);
        Assert.That(a.Shape, Is.EqualTo(expected["shape"]!.AsArray().Select(d => (int)d!)), where);
        var bits = expected["bits"]!.AsArray().Select(b => Convert.ToUInt64((string)b!, 16)).ToArray();
        Assert.That(a.Data, Has.Length.EqualTo(bits.Length), where);
        for (int i = 0; i < bits.Length; i++)
            if ((ulong)BitConverter.DoubleToInt64Bits(a.Data[i]) != bits[i])
                Assert.Fail($"{where}: element {i} is {a.Data[i]:R} ({BitConverter.DoubleToInt64Bits(a.Data[i]):x16}) but NumPy stored {BitConverter.Int64BitsToDouble((long)bits[i]):R} ({bits[i]:x16})");
    }

    // ----- (b) we write, NumPy reads ----------------------------------------------------------------

    private const string NumPyReads = """
        # Loads the files described by manifest.json in sys.argv[1] with np.load and compares
        # them with the manifest bit for bit. Also checks that each .npy file is exactly what
        # np.save writes for the same array (NumPy >= 1.24 header layout), that archives pass
        # zipfile's CRC check and use the expected compression. Exits 1 on any difference.
        import io, json, os, struct, sys, zipfile
        import numpy as np

        d = sys.argv[1]
        with open(os.path.join(d, 'manifest.json')) as f:
            m = json.load(f)
        errors = []
        same_layout = hasattr(np.lib.format, 'GROWTH_AXIS_MAX_DIGITS')   # NumPy >= 1.24 pads the same way

        def check(where, a, shape, bits):
            if a.dtype != np.dtype('<f8'):
                errors.append('%s: dtype %s, expected <f8' % (where, a.dtype.str)); return
            if a.shape != tuple(shape):
                errors.append('%s: shape %s, expected %s' % (where, a.shape, tuple(shape))); return
            got = ['%016x' % v for v in np.ascontiguousarray(a).reshape(-1).view('<u8').tolist()]
            for i, (g, e) in enumerate(zip(got, bits)):
                if g != e:
                    errors.append('%s: element %d has bits %s, expected %s' % (where, i, g, e)); return

        for e in m['npy']:
            path = os.path.join(d, e['file'])
            with open(path, 'rb') as f:
                raw = f.read()
            if raw[6:8] != b'\x01\x00':
                errors.append('%s: version %r, expected 1.0' % (e['file'], raw[6:8]))
            a = np.load(path, allow_pickle=False)
            check(e['file'], a, e['shape'], e['bits'])
            if same_layout:
                buf = io.BytesIO()
                np.save(buf, a)
                if buf.getvalue() != raw:
                    errors.append('%s: differs from np.save of the same array: %r vs %r'
                                  % (e['file'], raw[:140], buf.getvalue()[:140]))

        for z in m['npz']:
            path = os.path.join(d, z['file'])
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                if bad is not None:
                    errors.append('%s: CRC check fails for %s' % (z['file'], bad))
                want = zipfile.ZIP_DEFLATED if z['compressed'] else zipfile.ZIP_STORED
                for info in zf.infolist():
                    if info.compress_type != want:
                        errors.append('%s: %s has compression %d, expected %d' % (z['file'], info.filename, info.compress_type, want))
            with np.load(path, allow_pickle=False) as f:
                keys = list(f.files)
                want_keys = [x['key'] for x in z['arrays']]
                if keys != want_keys:
                    errors.append('%s: keys %r, expected %r' % (z['file'], keys, want_keys))
                for x in z['arrays']:
                    if x['key'] in keys:
                        check('%s[%s]' % (z['file'], x['key']), f[x['key']], x['shape'], x['bits'])

        print('numpy %s loaded %d .npy files and %d archives%s'
              % (np.__version__, len(m['npy']), len(m['npz']), '' if same_layout else ' (byte layout not compared: NumPy < 1.24)'))
        for e in errors:
            print('MISMATCH', e)
        sys.exit(1 if errors else 0)
        """;

    private static readonly int[][] WrittenShapes =
    [
        [], [1], [7], [2, 3], [3, 0], [0, 5], [2, 3, 4], [5, 1, 2, 1], [1, 10, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        [0, 2147483647], [2500], Enumerable.Repeat(1, 32).ToArray(),
    ];

    [Test]
    public void NumPyLoadsExactlyWhatTheWriterWrote()
    {
        string python = ExternalTools.RequirePython("numpy");
        var npy = new JsonArray();
        for (int i = 0; i < WrittenShapes.Length; i++)
        {
            int[] shape = WrittenShapes[i];
            var t = new Tensor(shape, NpyWriteTests.SpecialValues(NpyWriteTests.TensorCount(shape)));
            string file = $"t{i:D2}.npy";
            using (var s = File.Create(Path.Combine(_dir, file)))
                Npy.Write(s, t);
            npy.Add(Describe(file, t));
        }

        (string, Tensor)[] arrays =
        [
            ("lstm/0/params/weight_ih_l0", new Tensor([8, 3], NpyWriteTests.SpecialValues(24))),
            ("lstm/0/grads/bias_hh_l0_reverse", new Tensor([8], Enumerable.Range(0, 8).Select(i => Math.Exp(-i)).ToArray())),
            ("loss", Tensor.Scalar(0.6931471805599453)),
            ("empty", Tensor.Zeros(0, 4)),
        ];
        var npz = new JsonArray();
        foreach (bool compress in new[] { false, true })
        {
            string file = compress ? "compressed.npz" : "stored.npz";
            using (var s = File.Create(Path.Combine(_dir, file)))
                Npz.Write(s, arrays, compress);
            npz.Add(new JsonObject
            {
                ["file"] = file,
                ["compressed"] = compress,
                ["arrays"] = new JsonArray(arrays.Select(p => (JsonNode)Describe(p.Item1, p.Item2, "key")).ToArray()),
            });
        }
        File.WriteAllText(Path.Combine(_dir, "manifest.json"), new JsonObject { ["npy"] = npy, ["npz"] = npz }.ToJsonString());

        RunPython(NumPyReads, python);
    }

    private static JsonObject Describe(string name, Tensor t, string nameKey = "file") => new()
    {
        [nameKey] = name,
        ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
        ["bits"] = new JsonArray(t.Data.Select(v => (JsonNode)BitConverter.DoubleToInt64Bits(v).ToString("x16")).ToArray()),
    };
}
