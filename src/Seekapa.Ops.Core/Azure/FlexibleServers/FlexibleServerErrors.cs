using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>The stable ErrorIds of the flexible server cmdlets, with messages that say what to do next.</summary>
public static class FlexibleServerErrors
{
    public static SeekapaException ServerNotFound(AzureSession session, string resourceGroup, string name, ArmResponse? notFound,
        string errorId = "DatabaseServerNotFound")
    {
        var (code, armMessage) = notFound?.Error() ?? (null, null);
        var groupMissing = string.Equals(code, "ResourceGroupNotFound", StringComparison.OrdinalIgnoreCase);
        return new SeekapaException(errorId, FailureCategory.ObjectNotFound,
            groupMissing
                ? $"The flexible server '{name}' was not found: the resource group '{resourceGroup}' does not exist in subscription {session.SubscriptionId} ({armMessage})."
                : $"The flexible server '{name}' was not found in resource group '{resourceGroup}' (subscription {session.SubscriptionId}).",
            FlexibleServerPaths.ServerId(session, resourceGroup, name),
            groupMissing
                ? "Check the resource group name, and that Connect-SeekapaAzure -Subscription chose the right subscription."
                : $"List the servers with: Get-SeekapaAzureDatabaseServer -ResourceGroupName {resourceGroup}");
    }

    public static SeekapaException ResourceGroupNotFound(AzureSession session, string resourceGroup, ArmResponse response)
    {
        var (code, message) = response.Error();
        return new SeekapaException("ResourceGroupNotFound", FailureCategory.ObjectNotFound,
            $"The resource group '{resourceGroup}' was not found in subscription {session.SubscriptionId}: {code} {message}".TrimEnd(),
            $"{session.SubscriptionPath}/resourceGroups/{resourceGroup}",
            "Check the name, and that the connection (Connect-SeekapaAzure -Subscription) is for the right subscription.");
    }
}
