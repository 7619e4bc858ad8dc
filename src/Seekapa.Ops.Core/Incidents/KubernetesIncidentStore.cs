using System.Text.Json;
using k8s;
using k8s.Models;
using Seekapa.Ops.Core.Errors;
using Seekapa.Ops.Core.Kubernetes;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>
/// Incidents kept in the cluster, so that automation jobs, laptops and scripts that share no disk share one record: one
/// ConfigMap per incident ("seekapa-incident-&lt;id&gt;") in one namespace, labelled app.kubernetes.io/managed-by=seekapa-ops
/// and seekapa.io/incident=&lt;id&gt;, the incident JSON (the file store's document) in data["incident.json"].
/// A new id is claimed by create (the API server refuses a second one with 409 AlreadyExists); an update replaces the
/// object with the resourceVersion it read, and on 409 Conflict reads again and re-applies the change (bounded), so
/// parallel writers on any machine never lose an entry. A ConfigMap that does not hold a valid incident document is
/// reported as IncidentStoreCorrupt and never written.
/// </summary>
public sealed class KubernetesIncidentStore : IIncidentStore
{
    public const string Scheme = "kubernetes";
    public const string DataKey = "incident.json";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "seekapa-ops";
    public const string IncidentLabel = "seekapa.io/incident";
    public const string NamePrefix = "seekapa-incident-";

    /// <summary>Attempts of one update before IncidentStoreBusy: far more than 8 parallel writers need.</summary>
    public const int MaxAttempts = 60;

    private const int PageSize = 250;

    public KubernetesIncidentStore(ClusterSession session, string @namespace)
    {
        ResourceNames.ValidateNamespace(@namespace);
        Session = session;
        Namespace = @namespace;
    }

    public ClusterSession Session { get; }

    public string Namespace { get; }

    /// <summary>kubernetes://namespace?context=name: the form -Store and $env:SEEKAPA_INCIDENT_STORE take, with the context used.</summary>
    public string Location => $"{Scheme}://{Namespace}?context={Uri.EscapeDataString(Session.Connection.Context)}";

    public static string ObjectName(string id) => NamePrefix + IncidentStoreDocument.Normalize(id);

    public string PathOf(string id) => $"{Namespace}/configmaps/{ObjectName(id)}";

    public Incident Create(Incident incident, string baseId)
    {
        foreach (var id in IncidentIds.Candidates(IncidentStoreDocument.Normalize(baseId)))
        {
            incident.Id = id;
            var body = new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = new V1ObjectMeta { Name = ObjectName(id), NamespaceProperty = Namespace, Labels = Labels(id) },
                Data = new Dictionary<string, string> { [DataKey] = IncidentStoreDocument.Serialize(incident) },
            };
            try
            {
                Call("create", body.Metadata.Name, () => Session.Client.CoreV1.CreateNamespacedConfigMapAsync(body, Namespace));
                return incident;
            }
            catch (SeekapaException ex) when (ex.ErrorId == "Conflict")
            {
                // AlreadyExists: another writer (or an earlier incident with the same title) has this id; try the next.
            }
            catch (SeekapaException ex) when (ex.ErrorId == "ResourceNotFound")
            {
                throw IncidentErrors.StoreNamespaceNotFound(Namespace, Session.Connection.Context);
            }
        }

        throw new System.Diagnostics.UnreachableException();
    }

    public Incident Get(string id)
    {
        var normalized = IncidentStoreDocument.Normalize(id);
        var configMap = Read(normalized) ?? throw Missing(normalized);
        return Parse(configMap, normalized);
    }

    public IReadOnlyList<Incident> List(Action<Exception>? onCorrupt = null)
    {
        var incidents = new List<Incident>();
        var seen = 0;
        string? next = null;
        do
        {
            var page = Call("list", null, () => Session.Client.CoreV1.ListNamespacedConfigMapAsync(Namespace,
                labelSelector: $"{ManagedByLabel}={ManagedByValue},{IncidentLabel}", limit: PageSize, continueParameter: next));
            foreach (var configMap in page.Items)
            {
                seen++;
                try
                {
                    incidents.Add(Parse(configMap, configMap.Labels() is { } labels && labels.TryGetValue(IncidentLabel, out var id) ? id : null));
                }
                catch (SeekapaException ex) when (ex.ErrorId == "IncidentStoreCorrupt" && onCorrupt is not null)
                {
                    onCorrupt(ex);
                }
            }

            next = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(next));

        if (seen == 0)
        {
            // The API server lists a namespace that does not exist as empty: say so rather than "no incidents".
            CheckNamespace();
        }

        return incidents.OrderByDescending(i => i.Started).ThenByDescending(i => i.Id, StringComparer.Ordinal).ToList();
    }

    public Incident Update(string id, Action<Incident> change)
    {
        var normalized = IncidentStoreDocument.Normalize(id);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var configMap = Read(normalized) ?? throw Missing(normalized);
            var incident = Parse(configMap, normalized);
            change(incident);
            configMap.Data ??= new Dictionary<string, string>();
            configMap.Data[DataKey] = IncidentStoreDocument.Serialize(incident);
            var labels = configMap.Metadata.Labels ??= new Dictionary<string, string>();
            foreach (var (key, value) in Labels(normalized))
            {
                labels[key] = value;
            }

            // configMap.Metadata.ResourceVersion is the one just read: the replace is conditional on it.
            try
            {
                Call("update", configMap.Metadata.Name,
                    () => Session.Client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, configMap.Metadata.Name, Namespace));
                return incident;
            }
            catch (SeekapaException ex) when (ex.ErrorId == "Conflict")
            {
                // Someone else wrote since our read: read their version and apply the change to it. The jitter spreads
                // parallel writers out so that each round lets one more through.
                Thread.Sleep(Random.Shared.Next(0, Math.Min(5 * attempt, 100) + 1));
            }
            catch (SeekapaException ex) when (ex.ErrorId == "ResourceNotFound")
            {
                throw Missing(normalized);
            }
        }

        throw IncidentErrors.Contended(PathOf(normalized), MaxAttempts);
    }

    private static Dictionary<string, string> Labels(string id) => new()
    {
        [ManagedByLabel] = ManagedByValue,
        [IncidentLabel] = id,
    };

    private V1ConfigMap? Read(string id)
    {
        try
        {
            return Call("get", ObjectName(id), () => Session.Client.CoreV1.ReadNamespacedConfigMapAsync(ObjectName(id), Namespace));
        }
        catch (SeekapaException ex) when (ex.ErrorId == "ResourceNotFound")
        {
            return null;
        }
    }

    /// <summary>The document in a ConfigMap; IncidentStoreCorrupt (and nothing written) when it is not one for this id.</summary>
    private Incident Parse(V1ConfigMap configMap, string? id)
    {
        var where = $"configmap '{configMap.Metadata?.Name}' in namespace '{Namespace}'";
        if (configMap.Data is null || !configMap.Data.TryGetValue(DataKey, out var text) || text is null)
        {
            throw IncidentErrors.CorruptObject(where, new JsonException($"it has no data key '{DataKey}'."));
        }

        Incident incident;
        try
        {
            incident = IncidentStoreDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw IncidentErrors.CorruptObject(where, ex);
        }

        if (id is not null && incident.Id != id)
        {
            throw IncidentErrors.CorruptObject(where, new JsonException($"it holds incident '{incident.Id}', not '{id}'."));
        }

        return incident;
    }

    /// <summary>IncidentNotFound, or IncidentStoreNamespaceNotFound when the namespace itself is missing.</summary>
    private SeekapaException Missing(string id)
    {
        CheckNamespace();
        return IncidentErrors.NotFound(id, Location);
    }

    private void CheckNamespace()
    {
        try
        {
            Call("get", Namespace, () => Session.Client.CoreV1.ReadNamespaceAsync(Namespace), resource: "namespaces", scoped: false);
        }
        catch (SeekapaException ex) when (ex.ErrorId == "ResourceNotFound")
        {
            throw IncidentErrors.StoreNamespaceNotFound(Namespace, Session.Connection.Context);
        }
        catch (SeekapaException ex) when (ex.ErrorId == "Forbidden")
        {
            // A role that may use ConfigMaps need not read namespaces: then the plain answer stands.
        }
    }

    /// <summary>One API call, its failures translated the module's one way (KubernetesErrors), awaited on the caller's thread.</summary>
    private T Call<T>(string verb, string? name, Func<Task<T>> call, string resource = "configmaps", bool scoped = true) =>
        KubernetesErrors.Guard(Session, verb, resource, scoped ? Namespace : null, name, call).GetAwaiter().GetResult();
}
