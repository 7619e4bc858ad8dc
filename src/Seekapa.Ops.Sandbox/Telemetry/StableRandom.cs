namespace Seekapa.Ops.Sandbox.Telemetry;

/// <summary>
/// Deterministic pseudo-randomness for synthetic logs and metrics: the same pod, container and index always give the same
/// value, in every process (string.GetHashCode is randomized per process, System.Random is not stable across versions).
/// </summary>
internal static class StableRandom
{
    /// <summary>FNV-1a 64 of the text.</summary>
    public static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }

    /// <summary>SplitMix64's finalizer: a cheap, well-spread function of the index.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1) from 53 bits of <paramref name="random"/>.</summary>
    public static double Unit(ulong random) => (random >> 11) * (1.0 / (1UL << 53));
}
