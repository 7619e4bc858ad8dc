using System.Text;
using System.Text.Json;
using Seekapa.Ops.Sandbox.Store;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>
/// The opaque continue token: the list's resourceVersion (so later pages come from the same snapshot) and the key
/// after which to resume. Same fields as the API server's token, base64url-encoded JSON.
/// </summary>
internal readonly record struct ContinueToken(long ResourceVersion, ObjectKey After)
{
    public string Encode()
    {
        var json = JsonSerializer.Serialize(new Wire("meta.k8s.io/v1", ResourceVersion, After.Namespace, After.Name), WireContext.Default.Wire);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static ContinueToken Decode(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var wire = JsonSerializer.Deserialize(Convert.FromBase64String(b64), WireContext.Default.Wire)
                       ?? throw new FormatException();
            if (wire.V != "meta.k8s.io/v1" || wire.Rv <= 0)
            {
                throw new FormatException();
            }
            return new ContinueToken(wire.Rv, new ObjectKey(wire.Ns ?? "", wire.Name ?? ""));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            throw ApiException.BadRequest("continue key is not valid: invalid continue token");
        }
    }

    internal sealed record Wire(string V, long Rv, string? Ns, string? Name);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ContinueToken.Wire))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class WireContext : System.Text.Json.Serialization.JsonSerializerContext;
