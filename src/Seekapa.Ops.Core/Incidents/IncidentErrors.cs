using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Incidents;

/// <summary>The incident area's failures, with their stable ErrorIds.</summary>
public static class IncidentErrors
{
    public static SeekapaException NoActiveIncident() => new("NoActiveIncident", FailureCategory.InvalidOperation,
        "There is no active incident in this session.", null,
        "Start one with Start-SeekapaIncident, or name one with -Incident <id> (Get-SeekapaIncident lists them).");

    public static SeekapaException NotFound(string id, string directory) => new("IncidentNotFound", FailureCategory.ObjectNotFound,
        $"Incident '{id}' was not found in '{directory}'.", id, "Get-SeekapaIncident -All lists the stored incidents.");

    public static SeekapaException InvalidId(string id) => new("InvalidIncidentId", FailureCategory.InvalidArgument,
        $"'{id}' is not an incident id: ids are lowercase letters, digits and dashes, like sev-2-20240115-api-5xx-spike.", id);

    public static SeekapaException Corrupt(string path, Exception inner) => new("IncidentStoreCorrupt", FailureCategory.InvalidData,
        $"The incident file '{path}' is not a valid incident document: {inner.Message} The file was left untouched.", path,
        "Repair or move the file aside; nothing was written to it.", inner);

    public static SeekapaException Busy(string path, TimeSpan waited) => new("IncidentStoreBusy", FailureCategory.ResourceUnavailable,
        $"The incident file '{path}' stayed locked by another writer for {waited.TotalSeconds:0.#} s.", path,
        "Retry; if it persists, check for a hung process holding the .lock file open.");

    public static SeekapaException StoreFailed(string path, Exception inner) => new("IncidentStoreFailed", FailureCategory.ResourceUnavailable,
        $"Writing the incident file '{path}' failed: {inner.Message}", path, null, inner);

    public static SeekapaException AlreadyResolved(string id) => new("IncidentAlreadyResolved", FailureCategory.InvalidOperation,
        $"Incident '{id}' is already resolved.", id);

    public static SeekapaException ResolveWithStop(string id) => new("IncidentTransitionInvalid", FailureCategory.InvalidOperation,
        $"Incident '{id}' cannot be set to Resolved with Set-SeekapaIncident: it needs a root cause and a resolution.", id,
        "Use Stop-SeekapaIncident -RootCause ... -Resolution ...");

    public static SeekapaException InvalidPolicy(string path, string reason, Exception? inner = null) => new("SeverityPolicyInvalid",
        FailureCategory.InvalidData, $"The severity policy file '{path}' is invalid: {reason}", path, null, inner);

    public static SeekapaException PolicyNotFound(string path) => new("SeverityPolicyNotFound", FailureCategory.ObjectNotFound,
        $"The severity policy file '{path}' does not exist.", path);

    // The cluster store (kubernetes://namespace) and the choice of store (-Store, $env:SEEKAPA_INCIDENT_STORE).

    public static SeekapaException CorruptObject(string where, Exception inner) => new("IncidentStoreCorrupt", FailureCategory.InvalidData,
        $"The incident record {where} is not a valid incident document: {inner.Message} It was left untouched.", where,
        "Repair or delete the object (kubectl edit / kubectl delete); nothing was written to it.", inner);

    public static SeekapaException Contended(string where, int attempts) => new("IncidentStoreBusy", FailureCategory.ResourceUnavailable,
        $"The incident record {where} kept changing under {attempts} attempts to update it (409 Conflict each time).", where,
        "Retry; the other writers' changes are stored.");

    public static SeekapaException StoreNamespaceNotFound(string @namespace, string context) => new("IncidentStoreNamespaceNotFound",
        FailureCategory.ObjectNotFound, $"The incident store namespace '{@namespace}' does not exist in the cluster of context '{context}'.",
        @namespace, $"Create it (kubectl create namespace {@namespace}) or name another one in kubernetes://<namespace>.");

    public static SeekapaException InvalidStore(string store, string reason) => new("IncidentStoreInvalid", FailureCategory.InvalidArgument,
        $"'{store}' is not an incident store: {reason}", store,
        "Give a folder path, or kubernetes://<namespace> (optionally kubernetes://<namespace>?context=<kubeconfig context>).");
}
