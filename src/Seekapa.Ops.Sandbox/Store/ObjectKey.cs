namespace Seekapa.Ops.Sandbox.Store;

/// <summary>Identity of an object within one resource. Cluster-scoped objects use an empty namespace.</summary>
internal readonly record struct ObjectKey(string Namespace, string Name) : IComparable<ObjectKey>
{
    // Lists are served in namespace-then-name order, like etcd's key order, so paging is stable.
    public int CompareTo(ObjectKey other)
    {
        var c = string.CompareOrdinal(Namespace, other.Namespace);
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
