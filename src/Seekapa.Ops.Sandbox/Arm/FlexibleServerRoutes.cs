using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Seekapa.Ops.Core.Azure.FlexibleServers;

namespace Seekapa.Ops.Sandbox.Arm;

/// <summary>
/// The fake Microsoft.DBforPostgreSQL flexible-server provider (specs/azure-arm.md): servers (get, list, point-in-time
/// restore by PUT), checkNameAvailability, configurations (get, list, put) and restart, with long-running operations that
/// finish after a few polls of their Azure-AsyncOperation or Location URL. Seeded with seekapa-postgres in the world's
/// resource group (eastus, private access, 7 days of backups) and its server parameters.
/// </summary>
internal sealed partial class FlexibleServerRoutes : IArmRoutes
{
    public const string SeedServer = "seekapa-postgres";
    private const string Provider = "Microsoft.DBforPostgreSQL";
    private const string ServerType = Provider + "/flexibleServers";
    private const string ConfigurationType = ServerType + "/configurations";
    private const string FqdnSuffix = ".postgres.database.azure.com";

    /// <summary>How many polls a restore, a configuration update and a restart stay InProgress.</summary>
    private const int RestorePolls = 2;
    private const int UpdatePolls = 1;
    private const int RestartPolls = 1;

    private readonly ArmWorld _world;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When each server came into being: its earliest restore point is max(created, now - retention).</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _created = new(StringComparer.OrdinalIgnoreCase);

    public FlexibleServerRoutes(ArmWorld world)
    {
        _world = world;
        var now = world.Time.GetUtcNow();
        var vnet = $"{world.ResourceGroupId}/providers/Microsoft.Network/virtualNetworks/seekapa-vnet";
        var server = NewServer(world.ResourceGroup, SeedServer, "eastus", new JsonObject
        {
            ["publicNetworkAccess"] = "Disabled",
            ["delegatedSubnetResourceId"] = vnet + "/subnets/postgres",
            ["privateDnsZoneArmResourceId"] = $"{world.ResourceGroupId}/providers/Microsoft.Network/privateDnsZones/seekapa.private.postgres.database.azure.com",
        }, highAvailability: true);
        server["properties"]!["state"] = "Ready";
        server["properties"]!["fullyQualifiedDomainName"] = SeedServer + FqdnSuffix;
        Store(server, now - TimeSpan.FromDays(90));
        foreach (var configuration in DefaultConfigurations())
        {
            AddConfiguration(Id(server), configuration);
        }
    }

    [GeneratedRegex(@"^/subscriptions/[^/]+/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.DBforPostgreSQL/flexibleServers(?:/(?<name>[^/]+)(?:/(?<sub2>configurations|restart)(?:/(?<cfg>[^/]+))?)?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ServerPath();

    [GeneratedRegex(@"^/subscriptions/[^/]+/providers/Microsoft\.DBforPostgreSQL/locations/(?<loc>[^/]+)/(?<kind>checkNameAvailability|azureAsyncOperation|operationResults)(?:/(?<id>[^/]+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex LocationPath();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ServerName();

    public async Task<bool> TryHandleAsync(HttpContext context, ArmRequest request)
    {
        // ArmHandler has checked the token, the subscription, the resource group and the api-version.
        var location = LocationPath().Match(request.Path);
        if (location.Success)
        {
            await HandleLocationAsync(context, request, location);
            return true;
        }

        var server = ServerPath().Match(request.Path);
        if (!server.Success)
        {
            return false;
        }

        var group = server.Groups["rg"].Value;
        var name = server.Groups["name"].Success ? server.Groups["name"].Value : null;
        var child = server.Groups["sub2"].Success ? server.Groups["sub2"].Value.ToLowerInvariant() : null;
        var configuration = server.Groups["cfg"].Success ? server.Groups["cfg"].Value : null;
        var task = (request.Method, name, child) switch
        {
            ("GET", null, _) => ListServersAsync(context, group),
            ("GET", not null, null) => GetServerAsync(context, group, name),
            ("PUT", not null, null) => PutServerAsync(context, request, group, name),
            ("GET", not null, "configurations") when configuration is null => ListConfigurationsAsync(context, group, name),
            ("GET", not null, "configurations") => GetConfigurationAsync(context, group, name, configuration!),
            ("PUT", not null, "configurations") when configuration is not null => PutConfigurationAsync(context, request, group, name, configuration),
            ("POST", not null, "restart") when configuration is null => RestartAsync(context, request, group, name),
            _ => ArmWorld.WriteErrorAsync(context, 405, "MethodNotAllowed",
                $"The sandbox's {Provider} provider does not support {request.Method} {request.Path}."),
        };
        await task;
        return true;
    }

    private Task ListServersAsync(HttpContext context, string group)
    {
        var prefix = $"{GroupId(group)}/providers/{ServerType}/";
        var servers = _world.Resources
            .Where(r => r.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !r.Key[prefix.Length..].Contains('/'))
            .OrderBy(r => r.Key, StringComparer.OrdinalIgnoreCase)
            .Select(r => (JsonNode)Render(r.Value));
        return ArmWorld.WriteJsonAsync(context, 200, new JsonObject { ["value"] = new JsonArray(servers.ToArray()) });
    }

    private Task GetServerAsync(HttpContext context, string group, string name) =>
        Find(group, name) is { } server ? ArmWorld.WriteJsonAsync(context, 200, Render(server)) : NotFoundAsync(context, group, name);

    private Task PutServerAsync(HttpContext context, ArmRequest request, string group, string name)
    {
        var body = request.Body as JsonObject;
        var properties = body?["properties"] as JsonObject;
        var createMode = Text(properties?["createMode"]);
        if (!string.Equals(createMode, "PointInTimeRestore", StringComparison.OrdinalIgnoreCase))
        {
            return ArmWorld.WriteErrorAsync(context, 400, "UnsupportedCreateMode",
                $"The sandbox creates flexible servers by point-in-time restore only (createMode PointInTimeRestore), not '{createMode}'.");
        }

        if (!ServerName().IsMatch(name))
        {
            return ArmWorld.WriteErrorAsync(context, 400, "InvalidServerName",
                $"The server name '{name}' is invalid: 3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen.");
        }

        var sourceId = Text(properties?["sourceServerResourceId"]);
        if (sourceId is null || !_world.Resources.TryGetValue(sourceId, out var source) || Text(source["type"]) != ServerType)
        {
            return ArmWorld.WriteErrorAsync(context, 400, "SourceServerNotFound",
                $"The source server '{sourceId}' of the point-in-time restore does not exist.");
        }

        var sourceLocation = Text(source["location"])!;
        var location = Text(body!["location"]);
        if (location is null || FlexibleServerPaths.LocationName(location) != FlexibleServerPaths.LocationName(sourceLocation))
        {
            return ArmWorld.WriteErrorAsync(context, 400, "InvalidRestoreLocation",
                $"A point-in-time restore is created in the source server's region ({sourceLocation}), not '{location}'.");
        }

        var now = _world.Time.GetUtcNow();
        var earliest = EarliestRestoreDate(sourceId, source, now);
        if (!DateTimeOffset.TryParse(Text(properties!["pointInTimeUTC"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var pointInTime))
        {
            return ArmWorld.WriteErrorAsync(context, 400, "InvalidParameterValue",
                $"pointInTimeUTC '{Text(properties["pointInTimeUTC"])}' is not a valid ISO 8601 UTC time.");
        }

        if (pointInTime < earliest || pointInTime > now)
        {
            return ArmWorld.WriteErrorAsync(context, 400, "InvalidRestorePointInTime",
                $"The point in time {Utc(pointInTime)} is outside the restore window of the source server [{Utc(earliest)}, {Utc(now)}].");
        }

        JsonObject restored;
        lock (_gate)
        {
            if (NameTaken(name))
            {
                return ArmWorld.WriteErrorAsync(context, 409, "ServerNameAlreadyExists", $"The server name '{name}' is already in use.");
            }

            var network = properties["network"] as JsonObject ?? new JsonObject { ["publicNetworkAccess"] = "Enabled" };
            restored = NewServer(group, name, sourceLocation, (JsonObject)network.DeepClone(), highAvailability: false, template: source);
            restored["properties"]!["state"] = "Provisioning";
            restored["properties"]!["pointInTimeUTC"] = Utc(pointInTime);
            restored["properties"]!["sourceServerResourceId"] = sourceId;
            Store(restored, now);
            foreach (var (_, configuration) in Configurations(sourceId))
            {
                var copy = (JsonObject)configuration.DeepClone();
                copy["properties"]!["isConfigPendingRestart"] = false;
                AddConfiguration(Id(restored), copy);
            }
        }

        var operation = Start(sourceLocation, RestorePolls, () =>
        {
            restored["properties"]!["state"] = "Ready";
            restored["properties"]!["fullyQualifiedDomainName"] = name + FqdnSuffix;
            _created[Id(restored)] = _world.Time.GetUtcNow();
        });
        return ArmWorld.WriteJsonAsync(context, 201, Render(restored), AsyncHeaders(operation, request, location: true));
    }

    private Task ListConfigurationsAsync(HttpContext context, string group, string name)
    {
        if (Find(group, name) is not { } server)
        {
            return NotFoundAsync(context, group, name);
        }

        var items = Configurations(Id(server)).Select(c => (JsonNode)c.Json.DeepClone()).ToArray();
        return ArmWorld.WriteJsonAsync(context, 200, new JsonObject { ["value"] = new JsonArray(items) });
    }

    private Task GetConfigurationAsync(HttpContext context, string group, string name, string parameter)
    {
        if (Find(group, name) is not { } server)
        {
            return NotFoundAsync(context, group, name);
        }

        return _world.Resources.TryGetValue($"{Id(server)}/configurations/{parameter}", out var configuration)
            ? ArmWorld.WriteJsonAsync(context, 200, configuration.DeepClone())
            : ConfigurationNotFoundAsync(context, name, parameter);
    }

    private Task PutConfigurationAsync(HttpContext context, ArmRequest request, string group, string name, string parameter)
    {
        if (Find(group, name) is not { } server)
        {
            return NotFoundAsync(context, group, name);
        }

        if (!_world.Resources.TryGetValue($"{Id(server)}/configurations/{parameter}", out var configuration))
        {
            return ConfigurationNotFoundAsync(context, name, parameter);
        }

        var value = Text(request.Body?["properties"]?["value"]);
        var current = ServerParameter.From(group, name, parameter, configuration);
        if (value is null)
        {
            return ArmWorld.WriteErrorAsync(context, 400, "MissingRequiredParameter", "properties.value is required.");
        }

        if (current.IsReadOnly)
        {
            return ArmWorld.WriteErrorAsync(context, 400, "ReadOnlyParameter", $"Parameter '{parameter}' is read-only.");
        }

        if (ParameterValueRule.Violation(current, value) is not null)
        {
            return ArmWorld.WriteErrorAsync(context, 400, "InvalidParameterValue",
                $"Parameter value '{value}' for parameter '{parameter}' is invalid. Allowed values: {current.AllowedValues}.");
        }

        var operation = Start(Text(server["location"])!, UpdatePolls, () =>
        {
            lock (_gate)
            {
                var properties = configuration["properties"]!;
                var changed = !ParameterValueRule.SameValue(current, value);
                properties["value"] = value;
                properties["source"] = Text(request.Body?["properties"]?["source"]) ?? "user-override";
                if (changed && !current.IsDynamicConfig)
                {
                    properties["isConfigPendingRestart"] = true;
                }
            }
        });
        return ArmWorld.WriteJsonAsync(context, 202, null, AsyncHeaders(operation, request, location: true));
    }

    private Task RestartAsync(HttpContext context, ArmRequest request, string group, string name)
    {
        if (Find(group, name) is not { } server)
        {
            return NotFoundAsync(context, group, name);
        }

        lock (_gate)
        {
            if (Text(server["properties"]?["state"]) != "Ready")
            {
                return ArmWorld.WriteErrorAsync(context, 409, "ServerNotReady",
                    $"The server '{name}' is {Text(server["properties"]?["state"])}; it can be restarted only when it is Ready.");
            }

            server["properties"]!["state"] = "Restarting";
        }

        var operation = Start(Text(server["location"])!, RestartPolls, () =>
        {
            lock (_gate)
            {
                server["properties"]!["state"] = "Ready";
                foreach (var (_, configuration) in Configurations(Id(server)))
                {
                    configuration["properties"]!["isConfigPendingRestart"] = false;
                }
            }
        });
        return ArmWorld.WriteJsonAsync(context, 202, null, AsyncHeaders(operation, request, location: true, asyncOperation: false));
    }

    private Task HandleLocationAsync(HttpContext context, ArmRequest request, Match match)
    {
        var kind = match.Groups["kind"].Value.ToLowerInvariant();
        if (kind == "checknameavailability")
        {
            if (request.Method != "POST")
            {
                return ArmWorld.WriteErrorAsync(context, 405, "MethodNotAllowed", "checkNameAvailability is a POST.");
            }

            var name = Text(request.Body?["name"]) ?? string.Empty;
            var type = Text(request.Body?["type"]);
            if (!string.Equals(type, ServerType, StringComparison.OrdinalIgnoreCase))
            {
                return ArmWorld.WriteErrorAsync(context, 400, "InvalidResourceType", $"checkNameAvailability expects type {ServerType}, not '{type}'.");
            }

            var answer = !ServerName().IsMatch(name)
                ? new JsonObject { ["nameAvailable"] = false, ["reason"] = "Invalid", ["message"] = $"The server name '{name}' is invalid." }
                : NameTaken(name)
                    ? new JsonObject { ["nameAvailable"] = false, ["reason"] = "AlreadyExists", ["message"] = "Specified server name is already used." }
                    : new JsonObject { ["nameAvailable"] = true, ["reason"] = null, ["message"] = null };
            return ArmWorld.WriteJsonAsync(context, 200, answer);
        }

        if (request.Method != "GET" || !_operations.TryGetValue(match.Groups["id"].Value, out var operation))
        {
            return ArmWorld.WriteErrorAsync(context, 404, "OperationNotFound", $"The operation '{match.Groups["id"].Value}' was not found.");
        }

        var status = operation.Poll(_world.Time.GetUtcNow());
        if (kind == "operationresults")
        {
            return status == "InProgress"
                ? ArmWorld.WriteJsonAsync(context, 202, null, ("Location", OperationUrl(operation, "operationResults", request)), ("Retry-After", "1"))
                : ArmWorld.WriteJsonAsync(context, 200, null);
        }

        var body = new JsonObject { ["name"] = operation.Id, ["status"] = status, ["startTime"] = Utc(operation.Started) };
        if (operation.Ended is { } ended)
        {
            body["endTime"] = Utc(ended);
        }

        return ArmWorld.WriteJsonAsync(context, 200, body, status == "InProgress" ? new[] { ("Retry-After", "1") } : Array.Empty<(string, string)>());
    }

    private Operation Start(string location, int polls, Action complete)
    {
        var operation = new Operation(Guid.NewGuid().ToString("D"), FlexibleServerPaths.LocationName(location), _world.Time.GetUtcNow(), polls, complete, _gate);
        _operations[operation.Id] = operation;
        return operation;
    }

    private (string Name, string Value)[] AsyncHeaders(Operation operation, ArmRequest request, bool location, bool asyncOperation = true)
    {
        var headers = new List<(string, string)> { ("Retry-After", "1") };
        if (asyncOperation)
        {
            headers.Add(("Azure-AsyncOperation", OperationUrl(operation, "azureAsyncOperation", request)));
        }

        if (location)
        {
            headers.Add(("Location", OperationUrl(operation, "operationResults", request)));
        }

        return headers.ToArray();
    }

    private string OperationUrl(Operation operation, string kind, ArmRequest request) =>
        new Uri(_world.BaseAddress,
            $"subscriptions/{_world.SubscriptionId}/providers/{Provider}/locations/{operation.Location}/{kind}/{operation.Id}?api-version={request.ApiVersion}")
            .ToString();

    private JsonObject NewServer(string group, string name, string location, JsonObject network, bool highAvailability, JsonObject? template = null)
    {
        var from = template?["properties"];
        return new JsonObject
        {
            ["id"] = $"{GroupId(group)}/providers/{ServerType}/{name}",
            ["name"] = name,
            ["type"] = ServerType,
            ["location"] = location,
            ["sku"] = template?["sku"]?.DeepClone() ?? new JsonObject { ["name"] = "Standard_D4ds_v5", ["tier"] = "GeneralPurpose" },
            ["properties"] = new JsonObject
            {
                ["administratorLogin"] = "seekapaadmin",
                ["version"] = Text(from?["version"]) ?? "16",
                ["state"] = "Provisioning",
                ["storage"] = from?["storage"]?.DeepClone() ?? new JsonObject { ["storageSizeGB"] = 128, ["autoGrow"] = "Disabled", ["tier"] = "P10" },
                ["backup"] = new JsonObject
                {
                    ["backupRetentionDays"] = from?["backup"]?["backupRetentionDays"]?.DeepClone() ?? 7,
                    ["geoRedundantBackup"] = Text(from?["backup"]?["geoRedundantBackup"]) ?? "Disabled",
                },
                ["network"] = network,
                ["highAvailability"] = highAvailability
                    ? new JsonObject { ["mode"] = "ZoneRedundant", ["state"] = "Healthy", ["standbyAvailabilityZone"] = "2" }
                    : new JsonObject { ["mode"] = "Disabled", ["state"] = "NotEnabled" },
                ["availabilityZone"] = "1",
            },
        };
    }

    private void Store(JsonObject server, DateTimeOffset created)
    {
        _world.Resources[Id(server)] = server;
        _created[Id(server)] = created;
    }

    /// <summary>A copy of the stored server with its backup window as of now (the window slides with the clock).</summary>
    private JsonObject Render(JsonObject server)
    {
        lock (_gate)
        {
            var copy = (JsonObject)server.DeepClone();
            if (copy["properties"]?["backup"] is JsonObject backup)
            {
                backup["earliestRestoreDate"] = Utc(EarliestRestoreDate(Id(server), server, _world.Time.GetUtcNow()));
            }

            return copy;
        }
    }

    private DateTimeOffset EarliestRestoreDate(string id, JsonObject server, DateTimeOffset now)
    {
        var retention = (int?)server["properties"]?["backup"]?["backupRetentionDays"] ?? 7;
        var created = _created.TryGetValue(id, out var c) ? c : now;
        var window = now - TimeSpan.FromDays(retention);
        return created > window ? created : window;
    }

    private void AddConfiguration(string serverId, JsonObject configuration)
    {
        var name = Text(configuration["name"])!;
        configuration["id"] = $"{serverId}/configurations/{name}";
        configuration["type"] = ConfigurationType;
        _world.Resources[$"{serverId}/configurations/{name}"] = configuration;
    }

    private IEnumerable<(string Id, JsonObject Json)> Configurations(string serverId)
    {
        var prefix = serverId + "/configurations/";
        return _world.Resources.Where(r => r.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r.Key, StringComparer.OrdinalIgnoreCase)
            .Select(r => (r.Key, r.Value))
            .ToArray();
    }

    private JsonObject? Find(string group, string name) =>
        _world.Resources.TryGetValue($"{GroupId(group)}/providers/{ServerType}/{name}", out var server) ? server : null;

    /// <summary>Server names are DNS names: taken in any resource group of the world.</summary>
    private bool NameTaken(string name) => _world.Resources.Values.Any(r =>
        Text(r["type"]) == ServerType && string.Equals(Text(r["name"]), name, StringComparison.OrdinalIgnoreCase));

    private string GroupId(string group) => $"/subscriptions/{_world.SubscriptionId}/resourceGroups/{group}";

    private static string Id(JsonObject resource) => Text(resource["id"])!;

    private static Task NotFoundAsync(HttpContext context, string group, string name) =>
        ArmWorld.WriteErrorAsync(context, 404, "ResourceNotFound",
            $"The Resource '{ServerType}/{name}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    private static Task ConfigurationNotFoundAsync(HttpContext context, string server, string parameter) =>
        ArmWorld.WriteErrorAsync(context, 404, "ConfigurationNotExists", $"The configuration '{parameter}' does not exist for server '{server}'.");

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static string Utc(DateTimeOffset time) => RestorePlan.FormatUtc(time);

    private static IEnumerable<JsonObject> DefaultConfigurations()
    {
        static JsonObject Parameter(string name, string value, string dataType, string allowed, bool dynamic, string unit, string description) => new()
        {
            ["name"] = name,
            ["properties"] = new JsonObject
            {
                ["value"] = value,
                ["description"] = description,
                ["defaultValue"] = value,
                ["dataType"] = dataType,
                ["allowedValues"] = allowed,
                ["source"] = "system-default",
                ["isDynamicConfig"] = dynamic,
                ["isReadOnly"] = false,
                ["isConfigPendingRestart"] = false,
                ["unit"] = unit,
            },
        };

        yield return Parameter("max_connections", "859", "Integer", "25-5000", false, "", "Sets the maximum number of concurrent connections.");
        yield return Parameter("work_mem", "4096", "Integer", "4096-2097151", true, "KB",
            "Sets the amount of memory to be used by internal sort operations and hash tables before writing to temporary disk files.");
        yield return Parameter("statement_timeout", "0", "Integer", "0-2147483647", true, "ms", "Sets the maximum allowed duration of any statement.");
        yield return Parameter("log_min_duration_statement", "-1", "Integer", "-1-2147483647", true, "ms",
            "Sets the minimum execution time above which statements will be logged.");
        yield return Parameter("azure.extensions", "", "Set", "PG_STAT_STATEMENTS,PGCRYPTO,UUID-OSSP,POSTGIS", true, "",
            "Specifies which extensions are allowed to be created in the server.");
        var readOnly = Parameter("server_version", "16.4", "String", "", false, "", "Shows the server version.");
        readOnly["properties"]!["isReadOnly"] = true;
        yield return readOnly;
    }

    /// <summary>A long-running operation: InProgress for a number of polls, then it applies its effect once and Succeeded.</summary>
    private sealed class Operation(string id, string location, DateTimeOffset started, int polls, Action complete, object gate)
    {
        private int _remaining = polls;

        public string Id { get; } = id;
        public string Location { get; } = location;
        public DateTimeOffset Started { get; } = started;
        public DateTimeOffset? Ended { get; private set; }

        public string Poll(DateTimeOffset now)
        {
            lock (gate)
            {
                if (Ended is null && --_remaining <= 0)
                {
                    complete();
                    Ended = now;
                }

                return Ended is null ? "InProgress" : "Succeeded";
            }
        }
    }
}
