// An ordered set of named tensors: a layer's parameters under PyTorch's names
// ("weight_ih_l0", "bias_hh_l1_reverse", ...), or their gradients under the same names.
// The order is the order PyTorch's named_parameters() gives, so the whole set can also
// be seen as one flat vector (optimizers and global-norm clipping loop over that).
namespace Rnn.Reference.Tensors;

/// <summary>An ordered set of named tensors (parameters or their gradients under PyTorch's names, in named_parameters() order).</summary>
public sealed class NamedTensors : IEnumerable<KeyValuePair<string, Tensor>>
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, Tensor> _byName = new(StringComparer.Ordinal);

    /// <summary>The names, in insertion order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>How many tensors the set holds.</summary>
    public int Count => _names.Count;

    /// <summary>The tensor of that name; KeyNotFoundException listing the names when there is none.</summary>
    public Tensor this[string name] =>
        _byName.TryGetValue(name, out var t)
            ? t
            : throw new KeyNotFoundException($"no tensor named '{name}'; the names are {string.Join(", ", _names)}");

    /// <summary>True when the set holds a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The tensor of that name, if the set holds one.</summary>
    public bool TryGet(string name, out Tensor tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>Appends a tensor (shared, not copied); ArgumentException when the name is already in the set.</summary>
    public void Add(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_byName.TryAdd(name, tensor))
            throw new ArgumentException($"a tensor named '{name}' is already in the set", nameof(name));
        _names.Add(name);
    }

    /// <summary>Zero tensors of the same names and shapes (a gradient accumulator).</summary>
    public NamedTensors ZerosLike()
    {
        var z = new NamedTensors();
        foreach (var name in _names) z.Add(name, Tensor.Zeros(_byName[name].Shape));
        return z;
    }

    /// <summary>A deep copy: the same names and order, every tensor's data copied.</summary>
    public NamedTensors Clone()
    {
        var c = new NamedTensors();
        foreach (var name in _names) c.Add(name, _byName[name].Clone());
        return c;
    }

    /// <summary>Total number of elements over all tensors: the length of the flat view.</summary>
    public int FlatLength
    {
        get
        {
            int n = 0;
            foreach (var name in _names) n += _byName[name].Length;
            return n;
        }
    }

    /// <summary>Copies every tensor, in order, into one flat vector.</summary>
    public double[] ToFlat()
    {
        var flat = new double[FlatLength];
        int offset = 0;
        foreach (var name in _names)
        {
            var data = _byName[name].Data;
            data.CopyTo(flat, offset);
            offset += data.Length;
        }
        return flat;
    }

    /// <summary>The (name, tensor) pairs in order.</summary>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (var name in _names) yield return new(name, _byName[name]);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
