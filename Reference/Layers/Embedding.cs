// Reference embedding layer, PyTorch's nn.Embedding / F.embedding. Mirrors the slide
// "Embedding: transform indexes into a vector of fixed size": row i of the weight is the
// vector of index i. Equations, padding_idx and the PyTorch/Keras differences in Spec/embedding.md.
//
// N = number of indices (the product of the index shape), V = num_embeddings, D = embedding_dim.
// weight is [V, D]; the output is [*index shape, D]; row-major.
//
// The lookup equals the slide's one-hot product onehot(i) · W, but it is done as a row copy:
// no matrix product is formed, so nothing goes through MatMul here.
using Rnn.Reference.Tensors;

namespace Rnn.Reference.Layers;

/// <summary>What Embedding.Backward needs: the indices (a copy), their shape and the resolved padding index.</summary>
public sealed record EmbeddingCache(int[] Indices, int[] IndexShape, int NumEmbeddings, int EmbeddingDim, int? PaddingIdx);

/// <summary>Embedding lookup, PyTorch's nn.Embedding (weight [V, D]: row i is index i's vector), with its backward (Spec/embedding.md).</summary>
public static class Embedding
{
    /// <summary>y[n, :] = W[idx[n], :] for n in 0..N-1. Every index must lie in 0..V-1. Overwrites y.</summary>
    public static void Forward(ReadOnlySpan<int> idx, ReadOnlySpan<double> W, int N, int V, int D, Span<double> y)
    {
        RequireSizes(idx, N, V, D);
        Require.Length(W, nameof(W), "V*D", V, D);
        Require.Length(y, nameof(y), "N*D", N, D);
        // slide: transform indexes into a vector of fixed size
        for (int n = 0; n < N; n++)
            W.Slice(idx[n] * D, D).CopyTo(y.Slice(n * D, D));      // y[n, :] = W[idx[n], :]
    }

    /// <summary>
    /// dW[idx[n], :] += dy[n, :] for every n whose index is not paddingIdx (accumulates, so a
    /// repeated index receives the sum of its rows' gradients). paddingIdx must be resolved (0..V-1) or null.
    /// </summary>
    public static void Backward(ReadOnlySpan<double> dy, ReadOnlySpan<int> idx, int? paddingIdx, int N, int V, int D, Span<double> dW)
    {
        RequireSizes(idx, N, V, D);
        Require.Length(dy, nameof(dy), "N*D", N, D);
        Require.Length(dW, nameof(dW), "V*D", V, D);
        for (int n = 0; n < N; n++)
        {
            if (idx[n] == paddingIdx) continue;                      // the padding row gets no gradient
            // forward: y[n, :] = W[idx[n], :]
            var dWrow = dW.Slice(idx[n] * D, D);
            var dyRow = dy.Slice(n * D, D);
            for (int d = 0; d < D; d++) dWrow[d] += dyRow[d];
        }
    }

    private static void RequireSizes(ReadOnlySpan<int> idx, int N, int V, int D)
    {
        Require.Size(N, nameof(N));
        Require.Size(V, nameof(V));
        Require.Size(D, nameof(D));
        Require.Length(idx, nameof(idx), "N", N);
        for (int n = 0; n < N; n++)
            if (idx[n] < 0 || idx[n] >= V)
                throw new ArgumentOutOfRangeException(nameof(idx), idx[n], $"idx[{n}] is {idx[n]} but an index must lie in [0, V-1 = {V - 1}]");
    }

    /// <summary>
    /// PyTorch's rule for padding_idx: it must lie in [-V, V); a negative value counts from the
    /// end (padding_idx + V). Returns the index in 0..V-1, or null for no padding.
    /// </summary>
    public static int? ResolvePaddingIdx(int? paddingIdx, int numEmbeddings)
    {
        if (paddingIdx is not int p) return null;
        if (p < -numEmbeddings || p >= numEmbeddings)
            throw new ArgumentException(
                $"padding_idx is {p} but must lie in [-{numEmbeddings}, {numEmbeddings - 1}] for num_embeddings {numEmbeddings}",
                "padding_idx");
        return p < 0 ? p + numEmbeddings : p;
    }

    /// <summary>
    /// indices (row-major, shape indexShape; [] is a single index), weight [V, D].
    /// Returns output [*indexShape, D] and the cache for Backward. The forward pass copies the
    /// padding row like any other (PyTorch's F.embedding does too; nn.Embedding only initialises it to zeros).
    /// </summary>
    public static (Tensor Output, EmbeddingCache Cache) Forward(
        ReadOnlySpan<int> indices, int[] indexShape, Tensor weight, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(indexShape);
        Require.Rank(weight, nameof(weight), 2, "[num_embeddings, embedding_dim]");
        int V = weight.Shape[0], D = weight.Shape[1];
        Require.Positive(V, "num_embeddings (weight.shape[0])");
        Require.Positive(D, "embedding_dim (weight.shape[1])");
        long count = Tensor.ElementCount(indexShape);
        if (count != indices.Length)
            throw new ArgumentException(
                $"indices has {indices.Length} elements but its shape {Tensor.ShapeText(indexShape)} needs {count}", nameof(indices));
        int? pad = ResolvePaddingIdx(paddingIdx, V);
        for (int n = 0; n < indices.Length; n++)
            if (indices[n] < 0 || indices[n] >= V)
                throw new ArgumentException(
                    $"indices has {indices[n]} at position {FlatPosition.Text(n, indexShape)} but must lie in [0, {V - 1}] for num_embeddings {V}",
                    nameof(indices));

        int N = indices.Length;
        var output = Tensor.Zeros([.. indexShape, D]);              // [*indexShape, D]
        Forward(indices, weight.Data, N, V, D, output.Data);
        return (output, new EmbeddingCache(indices.ToArray(), (int[])indexShape.Clone(), V, D, pad));
    }

    /// <summary>dOutput [*indexShape, D] -> dWeight [V, D] (fresh; padding row zero).</summary>
    public static Tensor Backward(Tensor dOutput, EmbeddingCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        int V = cache.NumEmbeddings, D = cache.EmbeddingDim, N = cache.Indices.Length;
        Require.Shape(dOutput, nameof(dOutput), [.. cache.IndexShape, D]);
        var dWeight = Tensor.Zeros(V, D);                            // [V, D]
        Backward(dOutput.Data, cache.Indices, cache.PaddingIdx, N, V, D, dWeight.Data);
        return dWeight;
    }
}
