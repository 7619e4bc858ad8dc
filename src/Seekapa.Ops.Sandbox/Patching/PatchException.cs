namespace Seekapa.Ops.Sandbox.Patching;

/// <summary>Why a patch could not be applied. <see cref="Malformed"/> separates a patch document that cannot be read
/// (the API server answers 400) from a well-formed patch that does not apply to this object (422).</summary>
internal sealed class PatchException(string message, bool malformed = false) : Exception(message)
{
    public bool Malformed { get; } = malformed;
}
