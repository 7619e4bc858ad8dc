using System.Globalization;
using Seekapa.Ops.Sandbox.Resources;

namespace Seekapa.Ops.Sandbox.Api;

/// <summary>The list / watch query parameters (meta/v1 ListOptions), parsed and validated against the resource.</summary>
internal sealed record ListOptions
{
    public LabelSelector Labels { get; init; } = LabelSelector.Everything;
    public FieldSelector Fields { get; init; } = FieldSelector.Everything;
    public int Limit { get; init; }
    public string? Continue { get; init; }
    public string? ResourceVersion { get; init; }
    public bool Watch { get; init; }
    public int? TimeoutSeconds { get; init; }
    public bool AllowWatchBookmarks { get; init; }
    public bool SendInitialEvents { get; init; }
    public IncludeObject Include { get; init; } = IncludeObject.Metadata;

    public bool HasSelectors => !Labels.IsEmpty || !Fields.IsEmpty;

    public static ListOptions Parse(IQueryCollection query, ResourceDefinition resource)
    {
        LabelSelector labels;
        FieldSelector fields;
        try
        {
            labels = LabelSelector.Parse(query["labelSelector"].ToString());
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
        try
        {
            fields = FieldSelector.Parse(query["fieldSelector"].ToString());
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
        foreach (var field in fields.Fields)
        {
            if (!resource.IsSelectable(field))
            {
                throw ApiException.BadRequest($"field label not supported: {field}");
            }
        }

        return new ListOptions
        {
            Labels = labels,
            Fields = fields,
            Limit = Int(query, "limit") ?? 0,
            Continue = NullIfEmpty(query["continue"].ToString()),
            ResourceVersion = NullIfEmpty(query["resourceVersion"].ToString()),
            Watch = RequestInfo.IsTrue(query["watch"].ToString()),
            TimeoutSeconds = Int(query, "timeoutSeconds"),
            AllowWatchBookmarks = RequestInfo.IsTrue(query["allowWatchBookmarks"].ToString()),
            SendInitialEvents = RequestInfo.IsTrue(query["sendInitialEvents"].ToString()),
            Include = TablePrinter.ParseInclude(NullIfEmpty(query["includeObject"].ToString())),
        };
    }

    private static int? Int(IQueryCollection query, string name)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiException.BadRequest($"invalid {name}: strconv.ParseInt: parsing \"{text}\": invalid syntax");
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
