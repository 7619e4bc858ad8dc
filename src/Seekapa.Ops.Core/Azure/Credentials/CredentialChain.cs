using Azure;
using Azure.Core;
using Azure.Identity;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Security;

namespace Seekapa.Ops.Core.Azure.Credentials;

/// <summary>
/// Tries sign-in candidates in order and keeps the first that yields a Resource Manager token. Unlike Azure.Identity's
/// ChainedTokenCredential it says which one worked (the connection's Mode) and why each other one did not, and it runs
/// on the caller's thread: each candidate is created and awaited through <c>wait</c>, so the cmdlet can ask Az PowerShell
/// and show device-code instructions on the pipeline thread.
/// </summary>
public static class CredentialChain
{
    public const string NonInteractiveAction =
        "In an Azure Automation runbook or on an Azure VM use Connect-SeekapaAzure -Identity (add -ClientId for a user-assigned identity); " +
        "in a pipeline set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET and use -ServicePrincipal; or sign in with az login first.";

    public static SignedInCredential First(IReadOnlyList<CredentialCandidate> candidates, TokenRequestContext context,
        Func<Task<AccessToken>, AccessToken> wait, string recommendedAction, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var candidate in candidates)
        {
            var available = candidate.Create();
            if (available.Credential is not { } credential)
            {
                reasons.Add($"{candidate.Name}: {available.Reason}");
                continue;
            }

            try
            {
                var token = wait(credential.GetTokenAsync(context, cancellationToken).AsTask());
                return new SignedInCredential(candidate.Mode, credential, token);
            }
            catch (Exception ex) when (ex is CredentialUnavailableException or AuthenticationFailedException or RequestFailedException)
            {
                reasons.Add($"{candidate.Name}: {FirstLine(ex.Message)}");
            }
        }

        var tried = string.Join("; ", reasons);
        throw new SeekapaException("AzureAuthenticationFailed", FailureCategory.AuthenticationError,
            Redactor.Redact($"Could not sign in to Azure. {tried}".TrimEnd() + (tried.EndsWith('.') ? string.Empty : ".")),
            candidates.Count == 1 ? candidates[0].Mode.ToString() : "Azure", recommendedAction);
    }

    // Azure.Identity's messages continue with troubleshooting links over several lines; the first line is the reason.
    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length == 0 ? "failed" : line;
    }
}
