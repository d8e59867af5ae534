// Every kind of malformed .npy file the reader must reject: each test makes one, expects
// NpyFormatException (never another exception), and checks that the message names the
// file, what was expected and what was found.
using System.Text;
using NUnit.Framework;
using Rnn.Grading.NumPy;
using static Rnn.Grading.Tests.NumPy.NpyTestFiles;

namespace Rnn.Grading.Tests.NumPy;

public sealed class NpyMalformedTests
{
    private const string Source = "bad.npy";

    private static void AssertRejected(byte[] file, params string[] fragments)
    {
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(file, Source));
        Assert.That(e!.Message, Does.StartWith(Source + ": "));
        foreach (string f in fragments) Assert.That(e.Message, Does.Contain(f));
        // the stream reader must say the same
        var s = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(file), Source));
        Assert.That(s!.Message, Is.EqualTo(e.Message));
    }

    /// <summary>The (2, 3) float64 file with its dict replaced, NumPy-padded.</summary>
    private static void AssertDictRejected(string dict, params string[] fragments) =>
        AssertRejected(Float64Of2x3With(dict), fragments);

    // ----- magic, version, header length -----------------------------------------------------

    [Test]
    public void EmptyFile() => AssertRejected([], "empty", "93 4E 55 4D 50 59");

    [Test]
    public void WrongMagic()
    {
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00];   // a zip file's start
        AssertRejected(zip, "magic", "starts with 50 4B 03 04 14 00");
    }

    [Test]
    public void MagicEncodedAsUtf8()
    {
        // "\x93NUMPY" encoded as UTF-8 gives C2 93 4E ...: U+0093 takes two bytes.
        byte[] file = [.. Encoding.UTF8.GetBytes("\u0093NUMPY"), 1, 0, .. Float64Of2x3()[8..]];
        Assert.That(file[0], Is.EqualTo(0xC2));
        AssertRejected(file, "magic", "C2 93 4E 55 4D 50");
    }

    [Test]
    public void FileEndsInsideTheMagic() => AssertRejected([0x93, (byte)'N', (byte)'U'], "3 bytes long", "too short");

    [Test]
    public void FileEndsBeforeTheVersion() => AssertRejected([.. Magic, 1], "7 bytes long", "too short");

    [TestCase(1, 1)]
    [TestCase(4, 0)]
    [TestCase(0, 0)]
    [TestCase(2, 255)]
    public void UnknownVersion(int major, int minor)
    {
        byte[] file = Float64Of2x3();
        file[6] = (byte)major;
        file[7] = (byte)minor;
        AssertRejected(file, "expected format version 1.0, 2.0 or 3.0", $"found {major}.{minor}");
    }

    [Test]
    public void FileEndsInsideTheHeaderLengthField()
    {
        byte[] v2 = File(2, Dict("<f8", false, [1]), Encode("<f8", [1]));
        AssertRejected(v2[..10], "10 bytes long", "4-byte header length", "version 2.0");
    }

    [Test]
    public void HeaderLengthLongerThanTheFile()
    {
        byte[] file = Float64Of2x3()[..60];   // 10-byte prefix, then 50 of the 118 header bytes
        AssertRejected(file, "header length field says 118 bytes", "only 50 bytes follow");
    }

    [Test]
    public void HeaderLengthAboveNumPysLimit()
    {
        byte[] file = File(2, Dict("<f8", false, [1]), Encode("<f8", [1]));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), 0xFFFFFFF0u);
        AssertRejected(file, "says 4294967280 bytes", "more than the 10000");
    }

    [Test]
    public void HeaderNotEndingInNewline()
    {
        byte[] file = Float64Of2x3();
        file[10 + 117] = (byte)' ';    // the header's last byte, its '\n'
        AssertRejected(file, "must end with '\\n'", "ends with \" \"");
    }

    [Test]
    public void EmptyHeader() => AssertRejected(Raw(1, 0, [], Encode("<f8", [1])), "must end with '\\n'", "the end of the header");

    [Test]
    public void Version3HeaderThatIsNotUtf8()
    {
        // 50 characters up to "'shape': ", then "(1,)", ", " and "'x": the byte FF is at offset 58.
        byte[] header = [.. Encoding.ASCII.GetBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x"), 0xFF, .. Encoding.ASCII.GetBytes("': 1}\n")];
        AssertRejected(Raw(3, 0, header, Encode("<f8", [1])), "UTF-8", "byte FF at header offset 58");
    }

    [Test]
    public void Latin1CharacterInAVersion1KeyIsAnUnknownKey() =>
        AssertDictRejected("{'d\u00e9scr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", "unknown key 'd\\xe9scr'");

    // ----- the dict's syntax ------------------------------------------------------------------

    [Test]
    public void HeaderThatIsAListNotADict() =>
        AssertDictRejected("['<f8', False, (2, 3)]", "expected the header must start with '{'", "found \"['<f8'");

    [Test]
    public void SpaceBeforeTheDict() =>
        AssertDictRejected(" {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", "start with '{'", "header offset 0");

    [Test]
    public void TabInsteadOfSpace() =>
        AssertDictRejected("{'descr':\t'<f8', 'fortran_order': False, 'shape': (2, 3), }", "a value", "header offset 9", "\\x09");

    [Test]
    public void MissingColon() =>
        AssertDictRejected("{'descr' '<f8', 'fortran_order': False, 'shape': (2, 3), }", "expected ':' after the key 'descr'", "offset 9");

    [Test]
    public void MissingCommaBetweenEntries() =>
        AssertDictRejected("{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3), }", "expected ',' or '}' after the value of 'descr'", "'fortran_order'");

    [Test]
    public void DoubleComma() =>
        AssertDictRejected("{'descr': '<f8',, 'fortran_order': False, 'shape': (2, 3), }", "a quoted key such as 'descr', or '}'", "found \",");

    [Test]
    public void UnquotedKey() =>
        AssertDictRejected("{descr: '<f8', 'fortran_order': False, 'shape': (2, 3), }", "a quoted key", "found \"descr:");

    [Test]
    public void UnterminatedString() =>
        AssertDictRejected("{'descr': '<f8, 'fortran_order': False, 'shape': (2, 3), }", "expected ',' or '}' after the value of 'descr'");

    [Test]
    public void StringRunningIntoTheNewline() =>
        AssertRejected(WithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x\n", Encode("<f8", [0, 1, 2, 3, 4, 5])),
            "string at header offset 58 has no closing '");

    [Test]
    public void EscapeSequenceInString() =>
        AssertDictRejected("{'descr': '<\\x66\\x38', 'fortran_order': False, 'shape': (2, 3), }", "escape sequence", "offset 10");

    [Test]
    public void MismatchedQuotes() =>
        AssertDictRejected("{'descr\": '<f8', 'fortran_order': False, 'shape': (2, 3), }", "unknown key");

    [Test]
    public void JunkAfterTheDict() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } x", "only spaces after the closing '}'", "found \"x");

    [Test]
    public void NewlineBeforeTheFinalNewline() =>
        AssertRejected(WithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n  \n", Encode("<f8", [0, 1, 2, 3, 4, 5])),
            "only spaces after the closing '}'", "found \"\\n  \\n\"");

    [Test]
    public void DictNeverClosed() =>
        AssertRejected(WithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), \n", Encode("<f8", [0, 1, 2, 3, 4, 5])),
            "a quoted key such as 'descr', or '}'", "found \"\\n\"");

    [Test]
    public void NestedDictValue() =>
        AssertDictRejected("{'descr': {'a': 1}, 'fortran_order': False, 'shape': (2, 3), }", "expected a value", "found \"{'a'");

    [Test]
    public void BracketsNestedTooDeeply() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': ((((((((((2,),),),),),),),),),), }", "at most 8 levels");

    // ----- keys --------------------------------------------------------------------------------

    [TestCase("descr")]
    [TestCase("fortran_order")]
    [TestCase("shape")]
    public void MissingKey(string key)
    {
        var entries = new Dictionary<string, string> { ["descr"] = "'<f8'", ["fortran_order"] = "False", ["shape"] = "(2, 3)" };
        entries.Remove(key);
        AssertDictRejected("{" + string.Join(", ", entries.Select(p => $"'{p.Key}': {p.Value}")) + "}", $"no '{key}' key");
    }

    [Test]
    public void EmptyDict() => AssertDictRejected("{}", "no 'descr' key");

    [Test]
    public void ExtraKey() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'version': 1}", "unknown key 'version'", "offset 58");

    [Test]
    public void RepeatedKey() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'shape': (6,)}", "repeats the key 'shape'");

    // ----- descr ---------------------------------------------------------------------------------

    [TestCase("|O", TestName = "object dtype |O")]
    [TestCase("<U5", TestName = "unicode string <U5")]
    [TestCase("|S3", TestName = "byte string |S3")]
    [TestCase("|b1", TestName = "bool |b1")]
    [TestCase("<c16", TestName = "complex <c16")]
    [TestCase("<u4", TestName = "unsigned <u4")]
    [TestCase("|u1", TestName = "unsigned byte |u1")]
    [TestCase("<f2", TestName = "half <f2")]
    [TestCase("<f16", TestName = "long double <f16")]
    [TestCase("=f8", TestName = "native order =f8")]
    [TestCase("|f8", TestName = "no order |f8")]
    [TestCase("f8", TestName = "no order character f8")]
    [TestCase("float64", TestName = "dtype name float64")]
    [TestCase("<M8[ns]", TestName = "datetime <M8[ns]")]
    [TestCase("", TestName = "empty descr")]
    public void UnsupportedDType(string descr) =>
        AssertDictRejected($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (2, 3), }}",
            $"descr is '{descr}' but only '<f8', '<f4', '<i8', '<i4', '>f8', '>f4', '>i8', '>i4' are accepted");

    [Test]
    public void StructuredDType() =>
        AssertDictRejected("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (2, 3), }", "descr is a list (a structured dtype)");

    [Test]
    public void DescrNotAString() =>
        AssertDictRejected("{'descr': 8, 'fortran_order': False, 'shape': (2, 3), }", "descr must be a quoted dtype", "but is 8");

    // ----- fortran_order ---------------------------------------------------------------------------

    [TestCase("'False'", "'False'")]
    [TestCase("false", "false")]
    [TestCase("0", "0")]
    [TestCase("None", "None")]
    [TestCase("(False,)", "a tuple of 1 item")]
    public void FortranOrderNotABool(string value, string shown) =>
        AssertDictRejected($"{{'descr': '<f8', 'fortran_order': {value}, 'shape': (2, 3), }}", "fortran_order must be True or False but is " + shown);

    // ----- shape -------------------------------------------------------------------------------------

    [Test]
    public void NegativeAxis() => AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (-2, -3), }", "shape entry 0 is -2", ">= 0");

    [Test]
    public void NegativeZeroAxis() => AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2, -0), }", "shape entry 1 is -0", "without a sign");

    [TestCase("2.0", "2.0")]
    [TestCase("2e0", "2e0")]
    [TestCase("3L", "3L")]
    [TestCase("0x2", "0x2")]
    [TestCase("2_0", "2_0")]
    [TestCase("True", "True")]
    [TestCase("'2'", "'2'")]
    [TestCase("(2,)", "a tuple of 1 item")]
    public void AxisNotAWholeNumber(string axis, string shown) =>
        AssertDictRejected($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({axis}, 3), }}", "shape entry 0 must be a whole number >= 0 but is " + shown);

    [Test]
    public void AxisWithLeadingZero() => AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (02, 3), }", "shape entry 0 is 02", "leading zero");

    [Test]
    public void AxisAboveInt32() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483648, 0), }", "shape entry 0 is 2147483648", "larger than the largest axis size 2147483647");

    [Test]
    public void AxisWithManyDigits() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 123456789012345678901234567890), }", "shape entry 1 is 123456789012345678901234567890", "larger than");

    [Test]
    public void ShapeWithTooManyElements() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }",
            "shape (2147483647, 2147483647, 2147483647) has more elements than one array can hold");

    [Test]
    public void ShapeJustAboveTheLongestArray() =>
        AssertDictRejected($"{{'descr': '<i4', 'fortran_order': False, 'shape': ({Array.MaxLength + 1L},), }}", "more elements than one array can hold");

    [Test]
    public void MoreThan64Axes() =>
        AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (" + string.Concat(Enumerable.Repeat("1, ", 65)) + "), }", "65 axes", "at most 64");

    [Test]
    public void ShapeAsList() => AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3], }", "shape must be a tuple", "a list of 2 items");

    [Test]
    public void ShapeAsNumber() => AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': 6, }", "shape must be a tuple", "but is 6");

    [Test]
    public void OneAxisWithoutComma() => AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (6), }", "(6) at header offset 50 is not a tuple", "(6,)");

    [Test]
    public void ShapeTupleNotClosed() => AssertDictRejected("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3 }", "expected ',' or ')'", "found \"}");

    // ----- data ---------------------------------------------------------------------------------------

    [Test]
    public void DataOneByteShort() => AssertRejected(Float64Of2x3()[..^1], "needs 48 bytes of data", "has 47", "too short");

    [Test]
    public void DataOneByteLong() => AssertRejected([.. Float64Of2x3(), 0], "needs 48 bytes of data", "has 49", "too long");

    [Test]
    public void DataMissingEntirely() => AssertRejected(Float64Of2x3()[..128], "(2, 3) of '<f8' needs 48 bytes", "has 0");

    [Test]
    public void DataAfterAnEmptyArray() => AssertRejected(File(1, Dict("<f8", false, [0, 3]), Encode("<f8", [1])), "(0, 3) of '<f8' needs 0 bytes", "has 8");

    [Test]
    public void Int32DataSizedForFloat64() => AssertRejected(File(1, Dict("<i4", false, [2, 3]), Encode("<f8", [0, 1, 2, 3, 4, 5])), "needs 24 bytes", "has 48");

    [TestCase(9007199254740993L, TestName = "2^53 + 1")]
    [TestCase(-9007199254740993L, TestName = "-(2^53 + 1)")]
    [TestCase(long.MaxValue, TestName = "2^63 - 1 (rounds to 2^63, not a long)")]
    [TestCase(4611686018427387905L, TestName = "2^62 + 1")]
    public void Int64NotExactlyADouble(long value)
    {
        foreach (string descr in new[] { "<i8", ">i8" })
        {
            var data = new byte[16];
            if (descr[0] == '<') System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8), value);
            else System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(8), value);
            AssertRejected(File(1, Dict(descr, false, [2]), data), $"int64 element 1 (in file order) is {value}", "cannot hold exactly");
        }
    }

    // ----- streams ----------------------------------------------------------------------------------------

    [Test]
    public void StreamLongerThanTheLimit()
    {
        byte[] file = Float64Of2x3();
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(file), Source, maxBytes: file.Length - 1));
        Assert.That(e!.Message, Is.EqualTo($"{Source}: holds more than {file.Length - 1} bytes, the most this reader accepts"));
    }

    [Test]
    public void NegativeLimitIsAnArgumentError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Npy.Read(new MemoryStream(Float64Of2x3()), Source, maxBytes: -1));
}
