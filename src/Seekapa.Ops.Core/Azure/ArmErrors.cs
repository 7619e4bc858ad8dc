using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Identity;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Azure;

/// <summary>
/// Failures of calls made through the typed ArmClient (GenericResource) mapped exactly as the raw path maps them
/// (<see cref="AzureSession.ToException"/>), so a cmdlet sees one set of ErrorIds whichever path it used.
/// </summary>
public static class ArmErrors
{
    public static async Task<T> GuardAsync<T>(AzureSession session, RequestMethod method, string path, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new SeekapaException("AzureAuthenticationFailed", FailureCategory.AuthenticationError,
                "Could not get an Azure token: " + Redactor.Redact(ex.Message), session.Cloud.Name,
                "Sign in again (Connect-SeekapaAzure), or check the managed identity / service principal.", ex);
        }
        catch (RequestFailedException ex) when (ex.Status == 0)
        {
            throw new SeekapaException("AzureUnreachable", FailureCategory.ConnectionError,
                $"Azure Resource Manager at {session.Cloud.ResourceManagerUrl} could not be reached: {Redactor.Redact(ex.Message)}",
                session.Cloud.ResourceManagerUrl.ToString(), inner: ex);
        }
        catch (RequestFailedException ex)
        {
            throw AzureSession.ToException(ToResponse(ex), method, session.Url(path));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is RequestFailedException { Status: 0 }))
        {
            throw new SeekapaException("AzureUnreachable", FailureCategory.ConnectionError,
                $"Azure Resource Manager at {session.Cloud.ResourceManagerUrl} could not be reached after {ex.InnerExceptions.Count} attempts: " +
                AzureSession.Innermost(ex.InnerExceptions[^1]),
                session.Cloud.ResourceManagerUrl.ToString(), "Check the network path and, for a custom endpoint, that its certificate is trusted (SSL_CERT_FILE).", ex);
        }
    }

    private static ArmResponse ToResponse(RequestFailedException ex)
    {
        JsonNode? body = null;
        var content = ex.GetRawResponse()?.Content;
        if (content is not null && !content.ToMemory().IsEmpty)
        {
            try
            {
                body = JsonNode.Parse(content.ToMemory().Span);
            }
            catch (JsonException)
            {
                body = null;
            }
        }

        body ??= new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = ex.ErrorCode, ["message"] = ex.Message.Split('\n', 2)[0].Trim() },
        };
        return new ArmResponse(ex.Status, body, new Dictionary<string, string>());
    }
}
