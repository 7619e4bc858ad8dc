using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Azure.Core;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure;

/// <summary>Reads an ARM list ({"value":[...],"nextLink":...}) page by page, yielding each item as its page arrives.</summary>
public static class ArmPaging
{
    public static async IAsyncEnumerable<JsonNode> ListAsync(AzureSession session, string pathAndQuery,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var url = session.Url(pathAndQuery);
        while (true)
        {
            var response = await session.SendRawAsync(RequestMethod.Get, url, null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw AzureSession.ToException(response, RequestMethod.Get, url);
            }

            foreach (var item in response.Body?["value"]?.AsArray() ?? new JsonArray())
            {
                if (item is not null)
                {
                    yield return item;
                }
            }

            if (response.Body?["nextLink"]?.GetValue<string>() is not { Length: > 0 } next)
            {
                yield break;
            }

            var nextUrl = new Uri(next);
            // The bearer token goes wherever nextLink points: only ever to the Resource Manager we signed in to.
            if (!string.Equals(nextUrl.Authority, session.Cloud.ResourceManagerUrl.Authority, StringComparison.OrdinalIgnoreCase)
                || nextUrl.Scheme != Uri.UriSchemeHttps)
            {
                throw new SeekapaException("AzureRequestFailed", FailureCategory.ProtocolError,
                    $"Resource Manager returned a nextLink to another host ({nextUrl.Authority}); it was not followed.", url.AbsolutePath);
            }

            url = nextUrl;
        }
    }
}
