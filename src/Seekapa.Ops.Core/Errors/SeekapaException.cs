namespace Seekapa.Ops.Core.Errors;

/// <summary>
/// The categories an error can fall into. The names are exactly those of System.Management.Automation.ErrorCategory,
/// so the cmdlet layer maps them by name while Core stays free of PowerShell.
/// </summary>
public enum FailureCategory
{
    NotSpecified,
    ConnectionError,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    ObjectNotFound,
    OperationStopped,
    OperationTimeout,
    PermissionDenied,
    ProtocolError,
    ResourceExists,
    ResourceUnavailable,
    AuthenticationError,
}

/// <summary>A failure with a stable ErrorId that scripts can match on, the precise category and the resource it is about.</summary>
public sealed class SeekapaException : Exception
{
    public SeekapaException(string errorId, FailureCategory category, string message, object? target = null,
        string? recommendedAction = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    public string ErrorId { get; }
    public FailureCategory Category { get; }
    public object? Target { get; }
    public string? RecommendedAction { get; }
}
