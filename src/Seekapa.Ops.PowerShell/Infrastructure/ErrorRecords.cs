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
        var safe = Redacted(ex);
        var record = new ErrorRecord(safe, safe.ErrorId, category, safe.Target)
        {
            ErrorDetails = new ErrorDetails(safe.Message),
        };
        if (safe.RecommendedAction is { } action)
        {
            record.ErrorDetails.RecommendedAction = action;
        }

        return record;
    }

    /// <summary>
    /// The exception as it may be shown: $Error, Get-Error and transcripts print Exception.Message and every inner
    /// exception, not only ErrorDetails. When the message, target or action holds a secret, a copy with them redacted
    /// is returned; when an inner exception's text holds one, that inner exception is left out of the copy.
    /// </summary>
    public static SeekapaException Redacted(SeekapaException ex)
    {
        var message = Redactor.Redact(ex.Message);
        var action = ex.RecommendedAction is null ? null : Redactor.Redact(ex.RecommendedAction);
        var target = ex.Target is string text ? Redactor.Redact(text) : ex.Target;
        var innerText = ex.InnerException?.ToString();
        var innerLeaks = innerText is not null && Redactor.Redact(innerText) != innerText;
        if (message == ex.Message && action == ex.RecommendedAction && Equals(target, ex.Target) && !innerLeaks)
        {
            return ex;
        }

        return new SeekapaException(ex.ErrorId, ex.Category, message, target, action, innerLeaks ? null : ex.InnerException);
    }
}
