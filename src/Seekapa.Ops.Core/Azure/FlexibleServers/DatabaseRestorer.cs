using System.Text.Json.Nodes;
using Azure.Core;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Azure.FlexibleServers;

/// <summary>
/// Point-in-time restore of a flexible server into a new server (the flexible-server form of the runbook's
/// `az postgres server restore`). Everything that can be checked is checked before the one write (the PUT): the source
/// exists, the time is inside its backup window, and the target name is free (no such server in the target resource group,
/// and checkNameAvailability, which covers server names taken anywhere in Azure since a name is a DNS name).
/// </summary>
public sealed class DatabaseRestorer
{
    private readonly AzureSession _session;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task>? _delay;

    public DatabaseRestorer(AzureSession session, TimeProvider? time = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _session = session;
        _time = time ?? TimeProvider.System;
        _delay = delay;
    }

    /// <summary>Validates the request with read-only calls (GETs and checkNameAvailability) and builds the PUT body.</summary>
    public async Task<RestorePlan> PlanAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        FlexibleServerPaths.ValidateResourceGroup(request.ResourceGroupName, "-ResourceGroupName");
        FlexibleServerPaths.ValidateServerName(request.ServerName, "-ServerName");
        var targetGroup = request.TargetResourceGroupName ?? request.ResourceGroupName;
        FlexibleServerPaths.ValidateResourceGroup(targetGroup, "-TargetResourceGroupName");
        FlexibleServerPaths.ValidateServerName(request.TargetServerName, "-TargetServerName", newServer: true);

        var reader = new FlexibleServerReader(_session);
        var sourceLookup = await reader.LookupAsync(request.ResourceGroupName, request.ServerName, cancellationToken).ConfigureAwait(false);
        var source = sourceLookup.Server ?? throw FlexibleServerErrors.ServerNotFound(_session, request.ResourceGroupName, request.ServerName,
            sourceLookup.NotFound, "SourceServerNotFound");
        var sourceJson = sourceLookup.Json!;

        var pointInTime = request.PointInTime.ToUniversalTime();
        CheckWindow(source, pointInTime, _time.GetUtcNow());

        var targetLookup = await reader.LookupAsync(targetGroup, request.TargetServerName, cancellationToken).ConfigureAwait(false);
        if (targetLookup.Server is { } existing)
        {
            throw TargetExists(request.TargetServerName,
                $"A server with that name already exists in resource group '{targetGroup}' (state {existing.State ?? "unknown"}).",
                existing.ResourceId);
        }

        if (targetLookup.ResourceGroupMissing)
        {
            throw FlexibleServerErrors.ResourceGroupNotFound(_session, targetGroup, targetLookup.NotFound!);
        }

        await CheckNameAvailabilityAsync(source.Location, request.TargetServerName, targetGroup, cancellationToken).ConfigureAwait(false);

        var properties = new JsonObject
        {
            ["createMode"] = "PointInTimeRestore",
            ["sourceServerResourceId"] = source.ResourceId,
            ["pointInTimeUTC"] = RestorePlan.FormatUtc(pointInTime),
        };
        if (sourceJson["properties"]?["network"] is JsonObject network)
        {
            // As az does: the new server lands in the same network (delegated subnet and private DNS zone, or public access).
            properties["network"] = network.DeepClone();
        }

        return new RestorePlan
        {
            Source = source,
            TargetResourceGroup = targetGroup,
            TargetName = request.TargetServerName,
            PointInTime = pointInTime,
            TargetResourceId = FlexibleServerPaths.ServerId(_session, targetGroup, request.TargetServerName),
            Body = new JsonObject { ["location"] = source.Location, ["properties"] = properties },
        };
    }

    /// <summary>Sends the PUT. A refusal by ARM (400, 409, 5xx after retries) is RestoreFailed with ARM's code and message.</summary>
    public async Task<RestoreStarted> StartAsync(RestorePlan plan, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var url = _session.Url(FlexibleServerPaths.Server(_session, plan.TargetResourceGroup, plan.TargetName));
        var response = await _session.SendRawAsync(RequestMethod.Put, url, plan.Body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            if (response.Status is 401 or 403 or 429)
            {
                throw AzureSession.ToException(response, RequestMethod.Put, url);
            }

            var (code, message) = response.Error();
            throw Failed(plan, code ?? $"HTTP{response.Status}", message ?? "Azure refused the restore request.");
        }

        var state = ArmOperation.Initial(response);
        return new RestoreStarted(response, Result(plan, state.Status, response.Body as JsonObject, started, TimeSpan.Zero));
    }

    /// <summary>
    /// Polls the operation until it ends or the timeout passes, then reads the new server. Failed or Canceled is
    /// RestoreFailed; still running at the timeout is RestoreTimedOut (Azure carries on; the message says how to check).
    /// </summary>
    public async Task<DatabaseRestore> WaitAsync(RestorePlan plan, RestoreStarted started, TimeSpan timeout, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var operation = new ArmOperation(_session, _delay, _time);
        var relay = progress is null ? null : new Relay(s => progress.Report(
            $"{plan.TargetName}: {s.Status}, {s.Elapsed:hh\\:mm\\:ss} elapsed (check {s.Polls})"));
        var state = await operation.WaitAsync(started.Response, timeout, relay, cancellationToken).ConfigureAwait(false);
        var duration = _time.GetUtcNow() - started.Result.StartTime;
        if (!state.IsTerminal)
        {
            throw new SeekapaException("RestoreTimedOut", FailureCategory.OperationTimeout,
                $"The restore of '{plan.TargetName}' from '{plan.Source.Name}' ({plan.PointInTimeText}) is still running after " +
                $"{duration:hh\\:mm\\:ss} (-Timeout {timeout}). Azure carries on with it; nothing was cancelled. Check it with: " +
                $"Get-SeekapaAzureDatabaseServer -ResourceGroupName {plan.TargetResourceGroup} -Name {plan.TargetName} " +
                "(State is Ready when it is done).",
                plan.TargetResourceId,
                "Wait, then check the server's State; a large database can take hours to restore. Use a longer -Timeout next time.");
        }

        if (!state.Succeeded)
        {
            throw Failed(plan, state.ErrorCode ?? state.Status, state.ErrorMessage ?? $"The operation ended {state.Status}.");
        }

        var lookup = await new FlexibleServerReader(_session).LookupAsync(plan.TargetResourceGroup, plan.TargetName, cancellationToken)
            .ConfigureAwait(false);
        return Result(plan, state.Status, lookup.Json, started.Result.StartTime, duration);
    }

    /// <summary>The restore window is [earliestRestoreDate, now]; outside it ARM would refuse, so refuse first and show the window.</summary>
    public static void CheckWindow(AzureDatabaseServer source, DateTimeOffset pointInTime, DateTimeOffset now)
    {
        var earliest = source.EarliestRestoreDate;
        if ((earliest is { } e && pointInTime < e) || pointInTime > now)
        {
            var from = earliest is { } start ? RestorePlan.FormatUtc(start) : "(unknown earliest restore date)";
            throw new SeekapaException("RestorePointOutsideWindow", FailureCategory.InvalidArgument,
                $"The restore point {RestorePlan.FormatUtc(pointInTime)} is outside the backup window of '{source.Name}': " +
                $"from {from} to now ({RestorePlan.FormatUtc(now)}); backup retention {source.BackupRetentionDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} days.",
                pointInTime,
                "Choose a -RestorePointInTime inside that window, written with 'Z' or an offset (yyyy-MM-ddTHH:mm:ssZ); " +
                $"Get-SeekapaAzureDatabaseServer -ResourceGroupName {source.ResourceGroupName} -Name {source.Name} shows EarliestRestoreDate.");
        }
    }

    private async Task CheckNameAvailabilityAsync(string location, string name, string targetGroup, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["name"] = name, ["type"] = AzureApiVersions.FlexibleServersType };
        var response = await _session.SendAsync(RequestMethod.Post, FlexibleServerPaths.CheckNameAvailability(_session, location), body,
            cancellationToken).ConfigureAwait(false);
        if (response.Body?["nameAvailable"]?.GetValue<bool>() == false)
        {
            var reason = FlexibleServerReader.Text(response.Body["reason"]);
            var message = FlexibleServerReader.Text(response.Body["message"]);
            throw TargetExists(name, $"Azure says the name is not available ({reason ?? "no reason given"}): {message}".TrimEnd(' ', ':'),
                FlexibleServerPaths.ServerId(_session, targetGroup, name));
        }
    }

    private static SeekapaException TargetExists(string name, string detail, string target) =>
        new("TargetServerExists", FailureCategory.ResourceExists,
            $"Cannot restore into '{name}': {detail.TrimEnd('.')}. A restore always creates a new server.", target,
            "Choose another -TargetServerName (server names are DNS names, unique across Azure).");

    private static SeekapaException Failed(RestorePlan plan, string code, string message) =>
        new("RestoreFailed", FailureCategory.InvalidOperation,
            $"The restore of '{plan.Source.Name}' ({plan.PointInTimeText}) into '{plan.TargetName}' failed: {code}: {message}",
            plan.TargetResourceId,
            $"Check the target with Get-SeekapaAzureDatabaseServer -ResourceGroupName {plan.TargetResourceGroup} -Name {plan.TargetName} " +
            "(remove a failed server before retrying with the same name).");

    private static DatabaseRestore Result(RestorePlan plan, string status, JsonObject? server, DateTimeOffset started, TimeSpan duration) => new()
    {
        Name = plan.TargetName,
        ResourceGroupName = plan.TargetResourceGroup,
        Location = plan.Location,
        State = FlexibleServerReader.Text(server?["properties"]?["state"]),
        FullyQualifiedDomainName = FlexibleServerReader.Text(server?["properties"]?["fullyQualifiedDomainName"]),
        RestoredFrom = plan.Source.Name,
        SourceResourceGroupName = plan.Source.ResourceGroupName,
        SourceServerResourceId = plan.Source.ResourceId,
        PointInTime = plan.PointInTime,
        OperationStatus = status,
        StartTime = started,
        Duration = duration,
        ResourceId = plan.TargetResourceId,
    };
}
