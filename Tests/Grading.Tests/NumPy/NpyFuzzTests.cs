// Fuzzing the readers: valid .npy and .npz files are mutated at random (bit flips, byte
// changes, insertions, deletions, truncation, edits aimed at the header text, the length
// field or the zip records) and read. Whatever the bytes, only NpyFormatException may come
// out, and an accepted array must be consistent (Data.Length = product of Shape).
// Each mutation i uses its own generator new Random(Seed + i), so a failure names the one
// mutation to replay.
using System.Buffers.Binary;
using System.Text;
using NUnit.Framework;
using Rnn.Grading.NumPy;
using Rnn.Reference.Tensors;
using static Rnn.Grading.Tests.NumPy.NpyTestFiles;

namespace Rnn.Grading.Tests.NumPy;

public sealed class NpyFuzzTests
{
    private const int Seed = 61_803_398;
    private const int NpyMutations = 120_000;
    private const int NpzMutations = 20_000;

    [Test]
    public void MutatedNpyFilesRaiseOnlyNpyFormatException()
    {
        var corpus = NpyCorpus();
        int accepted = 0, rejected = 0;
        var acceptedByKind = new int[KindNames.Length];
        for (int i = 0; i < NpyMutations; i++)
        {
            var rng = new Random(Seed + i);
            var original = corpus[rng.Next(corpus.Count)];
            byte[] mutated = Mutate(original, rng, out int kind);
            try
            {
                var a = Npy.Read(mutated, "fuzz.npy");
                AssertConsistent(a, i, kind, mutated);
                accepted++;
                acceptedByKind[kind]++;
            }
            catch (NpyFormatException e)
            {
                if (!e.Message.StartsWith("fuzz.npy: ", StringComparison.Ordinal))
                    Assert.Fail(Replay(i, kind, mutated) + $"message does not name the file: {e.Message}");
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail(Replay(i, kind, mutated) + $"{e.GetType().Name} escaped: {e}");
            }
        }
        TestContext.Out.WriteLine($"npy fuzz, seed {Seed}: {NpyMutations} mutations of {corpus.Count} files, {accepted} still valid, {rejected} rejected");
        TestContext.Out.WriteLine("  still valid by kind: " + string.Join(", ", KindNames.Take(9).Select((k, j) => $"{k} {acceptedByKind[j]}")));
        // Both outcomes must be common, or the mutations are not testing what they should.
        Assert.That(accepted, Is.GreaterThan(NpyMutations / 100), "mutations that leave a valid file (e.g. a changed data byte)");
        Assert.That(rejected, Is.GreaterThan(NpyMutations / 2));
        Assert.That(acceptedByKind[Array.IndexOf(KindNames, "token")], Is.GreaterThan(0), "header edits that keep a valid file");
    }

    [Test]
    public void MutatedNpzArchivesRaiseOnlyNpyFormatException()
    {
        var corpus = NpzCorpus();
        int accepted = 0, rejected = 0;
        for (int i = 0; i < NpzMutations; i++)
        {
            var rng = new Random(Seed + i);
            var original = corpus[rng.Next(corpus.Count)];
            byte[] mutated = MutateZip(original, rng, out int kind);
            try
            {
                var arrays = Npz.Read(new MemoryStream(mutated), "fuzz.npz", maxBytes: 1 << 20);
                foreach (var (_, a) in arrays) AssertConsistent(a, i, kind, mutated);
                accepted++;
            }
            catch (NpyFormatException e)
            {
                if (!e.Message.StartsWith("fuzz.npz", StringComparison.Ordinal))
                    Assert.Fail(Replay(i, kind, mutated) + $"message does not name the archive: {e.Message}");
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail(Replay(i, kind, mutated) + $"{e.GetType().Name} escaped: {e}");
            }
        }
        TestContext.Out.WriteLine($"npz fuzz, seed {Seed}: {NpzMutations} mutations of {corpus.Count} archives, {accepted} still valid, {rejected} rejected");
        Assert.That(accepted, Is.GreaterThan(0));
        Assert.That(rejected, Is.GreaterThan(NpzMutations / 2));
    }

    private static void AssertConsistent(NpyArray a, int i, int kind, byte[] mutated)
    {
        long count = 1;
        foreach (int d in a.Shape)
        {
            if (d < 0) Assert.Fail(Replay(i, kind, mutated) + $"accepted a negative axis: {Tensor.ShapeText(a.Shape)}");
            count *= d;
        }
        if (a.Data.Length != count || a.DType is null)
            Assert.Fail(Replay(i, kind, mutated) + $"accepted shape {Tensor.ShapeText(a.Shape)} with {a.Data.Length} values");
    }

    private static string Replay(int i, int kind, byte[] mutated) =>
        $"mutation {i} (new Random({Seed} + {i}), kind {KindNames[kind]}), bytes {Convert.ToHexString(mutated.AsSpan(0, Math.Min(mutated.Length, 300)))}: ";

    // ----- the files that get mutated ------------------------------------------------------------

    private static List<byte[]> NpyCorpus()
    {
        var corpus = new List<byte[]>();
        foreach (int[] shape in new[] { new[] { 2, 3 }, [], [0, 3], [5], [1, 1, 2] })
            corpus.Add(Npy.ToBytes(new Tensor(shape, NpyWriteTests.SpecialValues(Count(shape)))));
        foreach (string descr in Descrs)
            foreach (int major in new[] { 1, 2, 3 })
                foreach (bool fortran in new[] { false, true })
                {
                    int[] shape = fortran ? [3, 2, 2] : [2, 3];
                    corpus.Add(File(major, Dict(descr, fortran, shape), Encode(descr, SmallIntegers(Count(shape)))));
                }
        corpus.Add(File(1, "{'shape': (4,), \"fortran_order\": False, 'descr': '>i8'}", Encode(">i8", [1, -2, 3, 1L << 53])));
        corpus.Add(File(3, Dict("<i4", false, [0]), [], align: 16));
        return corpus;
    }

    private static List<byte[]> NpzCorpus()
    {
        (string, Tensor)[] arrays = [("lstm/0/params/weight_ih_l0", new Tensor([2, 3], NpyWriteTests.SpecialValues(6))), ("loss", Tensor.Scalar(0.25))];
        var stored = new MemoryStream();
        Npz.Write(stored, arrays);
        var deflated = new MemoryStream();
        Npz.Write(deflated, arrays, compress: true);
        var pipe = new WriteOnlyPipe();
        Npz.Write(pipe, arrays, compress: true);   // with data descriptors
        byte[] mixed = NpzTests.Zip(("a/b.npy", File(3, Dict(">i4", true, [2, 2]), Encode(">i4", [1, 3, 2, 4]))), ("c.npy", Float64Of2x3()));
        return [stored.ToArray(), deflated.ToArray(), pipe.Written.ToArray(), mixed];
    }

    // ----- mutations -----------------------------------------------------------------------------

    private static readonly string[] KindNames = ["flip", "byte", "insert", "delete", "truncate", "header byte", "token", "length", "stacked", "zip field"];

    private static readonly byte[] Interesting = Encoding.Latin1.GetBytes("{}()[],:'\" \n\t-0123456789TFx\\\u0093\u00ff\0");

    private static byte[] Mutate(byte[] file, Random rng, out int kind)
    {
        kind = rng.Next(9);
        if (kind < 8) return MutateOnce(file, rng, kind);
        for (int n = 2 + rng.Next(3); n > 0; n--) file = MutateOnce(file, rng, rng.Next(8));
        return file;
    }

    private static byte[] MutateOnce(byte[] file, Random rng, int kind)
    {
        var b = new List<byte>(file);
        int headerEnd = Math.Min(file.Length, HeaderEnd(file));
        switch (kind)
        {
            case 0: // flip one bit
                if (b.Count > 0) { int at = rng.Next(b.Count); b[at] ^= (byte)(1 << rng.Next(8)); }
                break;
            case 1: // any byte to any value
                if (b.Count > 0) b[rng.Next(b.Count)] = (byte)rng.Next(256);
                break;
            case 2: // insert 1..4 bytes
                b.InsertRange(rng.Next(b.Count + 1), Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => (byte)rng.Next(256)));
                break;
            case 3: // delete 1..4 bytes
                if (b.Count > 0) { int at = rng.Next(b.Count); b.RemoveRange(at, Math.Min(b.Count - at, 1 + rng.Next(4))); }
                break;
            case 4: // truncate
                return file[..rng.Next(file.Length + 1)];
            case 5: // a header character set, inserted or deleted, with the length field left as it was
                if (headerEnd > 10)
                {
                    int at = 10 + rng.Next(headerEnd - 10);
                    byte c = Interesting[rng.Next(Interesting.Length)];
                    switch (rng.Next(3))
                    {
                        case 0: b[at] = c; break;
                        case 1: b.Insert(at, c); break;
                        default: b.RemoveAt(at); break;
                    }
                }
                break;
            case 6: // a header token edited, the length field fixed up (or not)
                return EditToken(file, rng);
            case 7: // the header length field
                if (file.Length >= 12)
                {
                    int size = file[6] == 1 ? 2 : 4;
                    uint old = size == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
                    uint v = rng.Next(3) switch { 0 => (uint)(old + rng.Next(-8, 9)), 1 => (uint)rng.Next(), _ => uint.MaxValue - (uint)rng.Next(4) };
                    var f = (byte[])file.Clone();
                    if (size == 2) BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(8), (ushort)v);
                    else BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(8), v);
                    return f;
                }
                break;
        }
        return b.ToArray();
    }

    /// <summary>Where the data starts according to the (unmutated) length field, or the file length.</summary>
    private static int HeaderEnd(byte[] file)
    {
        if (file.Length < 12) return file.Length;
        long h = file[6] == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) : BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        return (int)Math.Min(file.Length, (file[6] == 1 ? 10 : 12) + h);
    }

    private static readonly string[] DescrReplacements = [.. Descrs, "|O", "<U3", "|b1", "<c16", "<u4", "f8", "<f8 ", "", "<f"];
    private static readonly string[] NumberReplacements = ["0", "1", "2", "3", "6", "-1", "2147483647", "2147483648", "99999999999999999999", "1.5", "0x10", "03", "True", "", "(2,)"];
    private static readonly string[] BoolReplacements = ["True", "False", "true", "0", "None", "'False'"];

    /// <summary>
    /// Replaces one token of a file's header (descr, a bool, a shape number, a quote, a piece
    /// of punctuation) and rebuilds the file; for a new descr the data may be resized to fit it.
    /// </summary>
    private static byte[] EditToken(byte[] file, Random rng)
    {
        if (file.Length < 12) return file;
        int major = file[6];
        int prefix = major == 1 ? 10 : 12;
        int headerEnd = HeaderEnd(file);
        if (headerEnd <= prefix) return file;
        var enc = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string header = enc.GetString(file, prefix, headerEnd - prefix);
        byte[] data = file[headerEnd..];

        string edited = header;
        switch (rng.Next(6))
        {
            case 0:
            {
                int k = header.IndexOf("'descr'", StringComparison.Ordinal);
                int at = k >= 0 && k + 8 < header.Length ? header.IndexOf('\'', k + 8) : -1;
                if (at < 0) break;
                int end = header.IndexOf('\'', at + 1);
                if (end < 0) break;
                string descr = DescrReplacements[rng.Next(DescrReplacements.Length)];
                edited = header[..(at + 1)] + descr + header[end..];
                // resize the data to the new item size half of the time, so that edits stay valid
                string oldDescr = header[(at + 1)..end];
                if (rng.Next(2) == 0 && descr.Length == 3 && descr[2] is >= '1' and <= '9' && oldDescr.Length > 0 && oldDescr[^1] is >= '1' and <= '9')
                {
                    var resized = new byte[data.Length / (oldDescr[^1] - '0') * (descr[2] - '0')];
                    data.AsSpan(0, Math.Min(data.Length, resized.Length)).CopyTo(resized);
                    data = resized;
                }
                break;
            }
            case 1:
            {
                string from = header.Contains("False") ? "False" : "True";
                edited = header.Replace(from, BoolReplacements[rng.Next(BoolReplacements.Length)]);
                break;
            }
            case 2:
            {
                var digits = Enumerable.Range(0, header.Length).Where(j => char.IsAsciiDigit(header[j]) && (j == 0 || !char.IsAsciiDigit(header[j - 1])) && header.LastIndexOf('(', j) > header.IndexOf("shape", StringComparison.Ordinal)).ToList();
                if (digits.Count == 0) break;
                int at = digits[rng.Next(digits.Count)];
                int end = at;
                while (end < header.Length && char.IsAsciiDigit(header[end])) end++;
                edited = header[..at] + NumberReplacements[rng.Next(NumberReplacements.Length)] + header[end..];
                break;
            }
            case 3:
            {
                var quotes = Enumerable.Range(0, header.Length).Where(j => header[j] == '\'').ToList();
                if (quotes.Count == 0) break;
                int at = quotes[rng.Next(quotes.Count)];
                edited = header[..at] + '"' + header[(at + 1)..];
                break;
            }
            case 4:
            {
                const string punctuation = "{}(),: '\n";
                var places = Enumerable.Range(0, header.Length).Where(j => punctuation.Contains(header[j])).ToList();
                if (places.Count == 0) break;
                int at = places[rng.Next(places.Count)];
                edited = header.Remove(at, 1);
                break;
            }
            default:
            {
                int at = rng.Next(header.Length + 1);
                edited = header.Insert(at, ((char)Interesting[rng.Next(Interesting.Length)]).ToString());
                break;
            }
        }
        byte[] headerBytes = enc.GetBytes(edited);
        byte[] rebuilt = Raw(major, 0, headerBytes, data);
        if (rng.Next(4) == 0) // keep the old length field a quarter of the time
            file.AsSpan(8, prefix - 8).CopyTo(rebuilt.AsSpan(8));
        return rebuilt;
    }

    private static byte[] MutateZip(byte[] zip, Random rng, out int kind)
    {
        kind = rng.Next(6) switch { 0 => 0, 1 => 1, 2 => 2, 3 => 3, 4 => 4, _ => 9 };
        if (kind != 9) return MutateOnce(zip, rng, kind);

        // A field of a zip record: pick a record signature (PK\3\4 local, PK\1\2 central,
        // PK\5\6 end, PK\7\8 descriptor) and overwrite 1, 2 or 4 bytes of its fixed part.
        var records = Enumerable.Range(0, zip.Length - 3).Where(j => zip[j] == 0x50 && zip[j + 1] == 0x4B && zip[j + 2] < 9 && zip[j + 3] < 9).ToList();
        var z = (byte[])zip.Clone();
        if (records.Count == 0) return z;
        int at = records[rng.Next(records.Count)] + 4 + rng.Next(42);
        int width = new[] { 1, 2, 4 }[rng.Next(3)];
        uint v = rng.Next(4) switch { 0 => 0, 1 => uint.MaxValue, 2 => (uint)rng.Next(0, 300), _ => (uint)rng.Next() };
        for (int w = 0; w < width && at + w < z.Length; w++) z[at + w] = (byte)(v >> (8 * w));
        return z;
    }
}
