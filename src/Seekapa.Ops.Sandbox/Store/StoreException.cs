namespace Seekapa.Ops.Sandbox.Store;

internal enum StoreError
{
    NotFound,
    AlreadyExists,
    Conflict,
    Gone,
}

/// <summary>A store-level failure; the API layer maps it to a Kubernetes Status.</summary>
internal sealed class StoreException(StoreError error, string message) : Exception(message)
{
    public StoreError Error { get; } = error;
}
