using Seekapa.Ops.Sandbox.Api;

namespace Seekapa.Ops.Sandbox.Security;

/// <summary>
/// Decides whether a user may make a request, and words a refusal exactly as the API server does
/// (apiserver responsewriters.forbiddenMessage + apierrors.NewForbidden), because kubectl and scripts show that text.
/// </summary>
internal static class Authorizer
{
    public static void Authorize(SandboxUser user, RequestInfo info)
    {
        if (!info.IsResourceRequest)
        {
            // Discovery, version and OpenAPI are readable by every authenticated user (system:discovery).
            if (info.Verb is "get" or "head" || user.Rules.Contains(AccessRule.Everything))
            {
                return;
            }
            throw ApiException.ForbiddenPath($"User \"{user.Name}\" cannot {info.Verb} path \"{info.Path}\"");
        }

        var resource = info.Subresource.Length > 0 ? $"{info.Resource}/{info.Subresource}" : info.Resource;
        if (user.Rules.Any(r => r.Allows(info.Verb, info.Group, resource, info.Namespace)))
        {
            return;
        }

        var scope = info.Namespace.Length > 0 ? $"in the namespace \"{info.Namespace}\"" : "at the cluster scope";
        var reason = $"User \"{user.Name}\" cannot {info.Verb} resource \"{resource}\" in API group \"{info.Group}\" {scope}";
        throw ApiException.Forbidden(info.Group, info.Resource, info.Name, reason);
    }
}
