using System.Runtime.CompilerServices;

// Core and the cmdlets attach their private handles (the Kubernetes client) to the public model objects.
[assembly: InternalsVisibleTo("Seekapa.Ops.Core")]
[assembly: InternalsVisibleTo("Seekapa.Ops.PowerShell")]
[assembly: InternalsVisibleTo("Seekapa.Ops.Tests")]
