using System.Management.Automation;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.PowerShell.Infrastructure;

/// <summary>The one way cmdlets build ErrorRecords: stable ErrorId, precise category, the resource as target, redacted text.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(SeekapaException ex)
    {
        var category = Enum.TryParse<ErrorCategory>(ex.Category.ToString(), out var parsed) ? parsed : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(ex, ex.ErrorId, category, ex.Target)
        {
            ErrorDetails = new ErrorDetails(Redactor.Redact(ex.Message)),
        };
        if (ex.RecommendedAction is { } action)
        {
            record.ErrorDetails.RecommendedAction = action;
        }

        return record;
    }
}
