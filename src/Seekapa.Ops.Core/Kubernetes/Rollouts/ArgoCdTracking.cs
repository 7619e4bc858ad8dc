namespace Seekapa.Ops.Core.Kubernetes.Rollouts;

/// <summary>Recognises objects that ArgoCD manages, from its tracking label and annotations.</summary>
public static class ArgoCdTracking
{
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string TrackingIdAnnotation = "argocd.argoproj.io/tracking-id";
    public const string ArgoInstance = "argocd.argoproj.io/instance";

    /// <summary>
    /// The ArgoCD application name, or null. Tracking by annotation: argocd.argoproj.io/tracking-id ("app:group/kind:ns/name");
    /// by label: app.kubernetes.io/instance only counts together with an ArgoCD annotation (Helm sets that label too);
    /// argocd.argoproj.io/instance as a label or annotation (custom tracking label).
    /// </summary>
    public static string? Application(IDictionary<string, string> labels, IDictionary<string, string> annotations)
    {
        if (annotations.TryGetValue(TrackingIdAnnotation, out var tracking) && !string.IsNullOrWhiteSpace(tracking))
        {
            var colon = tracking.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? tracking[..colon] : labels.TryGetValue(InstanceLabel, out var i) ? i : tracking;
        }

        if (labels.TryGetValue(ArgoInstance, out var byLabel) && !string.IsNullOrWhiteSpace(byLabel))
        {
            return byLabel;
        }

        if (annotations.TryGetValue(ArgoInstance, out var byAnnotation) && !string.IsNullOrWhiteSpace(byAnnotation))
        {
            return byAnnotation;
        }

        return null;
    }
}
