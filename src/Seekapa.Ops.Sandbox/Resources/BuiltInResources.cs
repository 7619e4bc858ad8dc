namespace Seekapa.Ops.Sandbox.Resources;

/// <summary>The resources the sandbox serves. Adding one is a registration here (plus hooks if it needs behaviour).</summary>
internal static class BuiltInResources
{
    public static ResourceRegistry Create()
    {
        var registry = new ResourceRegistry();
        registry.Add(new ResourceDefinition
        {
            Group = "", Version = "v1", Plural = "namespaces", Singular = "namespace", Kind = "Namespace",
            Namespaced = false, ShortNames = ["ns"], NameRule = NameRule.Label, SelectableFields = ["status.phase"],
            Verbs = ["create", "delete", "get", "list", "watch"], Hooks = new NamespaceHooks(),
        });
        registry.Add(new ResourceDefinition
        {
            Group = "", Version = "v1", Plural = "nodes", Singular = "node", Kind = "Node",
            Namespaced = false, ShortNames = ["no"], SelectableFields = ["spec.unschedulable"],
        });
        registry.Add(new ResourceDefinition
        {
            Group = "", Version = "v1", Plural = "pods", Singular = "pod", Kind = "Pod",
            Namespaced = true, ShortNames = ["po"], Categories = ["all"], Hooks = new PodHooks(),
            SelectableFields =
            [
                "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                "status.phase", "status.podIP", "status.nominatedNodeName",
            ],
        });
        registry.Add(new ResourceDefinition
        {
            Group = "", Version = "v1", Plural = "events", Singular = "event", Kind = "Event",
            Namespaced = true, ShortNames = ["ev"], Hooks = new Printers.EventHooks(),
            SelectableFields =
            [
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                "reason", "reportingComponent", "source", "type",
            ],
        });
        registry.Add(new ResourceDefinition
        {
            Group = "", Version = "v1", Plural = "secrets", Singular = "secret", Kind = "Secret",
            Namespaced = true, Hooks = new SecretHooks(), SelectableFields = ["type"],
        });
        registry.Add(new ResourceDefinition
        {
            Group = "", Version = "v1", Plural = "configmaps", Singular = "configmap", Kind = "ConfigMap",
            Namespaced = true, ShortNames = ["cm"], Hooks = new ConfigMapHooks(),
        });
        registry.Add(new ResourceDefinition
        {
            // What port-forward svc/NAME resolves: its selector picks the pod, its ports map to targetPorts.
            Group = "", Version = "v1", Plural = "services", Singular = "service", Kind = "Service",
            Namespaced = true, ShortNames = ["svc"], Categories = ["all"],
        });
        registry.Add(new ResourceDefinition
        {
            Group = "apps", Version = "v1", Plural = "deployments", Singular = "deployment", Kind = "Deployment",
            Namespaced = true, ShortNames = ["deploy"], Categories = ["all"], Hooks = WorkloadHooks.Deployment(),
        });
        registry.Add(new ResourceDefinition
        {
            Group = "apps", Version = "v1", Plural = "replicasets", Singular = "replicaset", Kind = "ReplicaSet",
            Namespaced = true, ShortNames = ["rs"], Categories = ["all"], Hooks = WorkloadHooks.ReplicaSet(),
            SelectableFields = ["status.replicas"],
        });
        registry.Add(new ResourceDefinition
        {
            Group = "apps", Version = "v1", Plural = "statefulsets", Singular = "statefulset", Kind = "StatefulSet",
            Namespaced = true, ShortNames = ["sts"], Categories = ["all"], Hooks = new WorkloadHooks(new Printers.StatefulSetPrinter()),
        });
        registry.Add(new ResourceDefinition
        {
            // The StatefulSet (and DaemonSet) history kubectl rollout history/undo reads.
            Group = "apps", Version = "v1", Plural = "controllerrevisions", Singular = "controllerrevision", Kind = "ControllerRevision",
            Namespaced = true, Hooks = new ControllerRevisionHooks(),
        });
        registry.Add(new ResourceDefinition
        {
            Group = "apps", Version = "v1", Plural = "daemonsets", Singular = "daemonset", Kind = "DaemonSet",
            Namespaced = true, ShortNames = ["ds"], Categories = ["all"], Hooks = WorkloadHooks.Other(),
        });
        registry.Add(new ResourceDefinition
        {
            Group = "batch", Version = "v1", Plural = "jobs", Singular = "job", Kind = "Job",
            Namespaced = true, Categories = ["all"], Hooks = WorkloadHooks.Other(), SelectableFields = ["status.successful"],
        });
        return registry;
    }
}
