using System.Management.Automation;
using System.Net;
using System.Security;

namespace Seekapa.Ops.PowerShell.Cmdlets.Database;

/// <summary>
/// Lets a SecureString parameter also take a plain string (a token from az account get-access-token, a connection
/// string from a variable), so the secret is held as a SecureString either way and never bound as text.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecretTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            string text => ToSecureString(text),
            _ => inputData,
        };
    }

    public static SecureString ToSecureString(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    /// <summary>The plain text, only at the moment it is handed to the driver.</summary>
    public static string Reveal(SecureString secret) => new NetworkCredential(string.Empty, secret).Password;
}
