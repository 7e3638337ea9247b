using GrowHalo.Platform.Database;
using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.Extensions.Options;

namespace GrowHalo.Ingestion.Webhooks;

/// <summary>
/// Every webhook is answered within <see cref="OutageOptions.WebhookBudget"/> (3 s by default) of its arrival, because
/// Shopify gives up after 5 s and counts that as a failure anyway: past the budget the request's work is cancelled
/// (its database statements included, so nothing is stored half-way) and it is answered 503 with Retry-After. A slow
/// or locked database then sheds webhooks at once instead of piling up requests that time out on the sender's side.
/// </summary>
public static class WebhookDeadline
{
    /// <summary>The request's deadline in <see cref="Environment.TickCount64"/> milliseconds, for work queued elsewhere.</summary>
    public sealed record Feature(long At);

    public static long? Of(HttpContext context) => context.Features.Get<Feature>()?.At;

    public static IApplicationBuilder UseWebhookDeadline(this IApplicationBuilder app) =>
        app.UseWhen(context => HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(ApiKeyRequirement.Webhooks),
            branch => branch.Use(RunAsync));

    private static async Task RunAsync(HttpContext context, RequestDelegate next)
    {
        var budget = context.RequestServices.GetRequiredService<IOptions<OutageOptions>>().Value.WebhookBudget;
        var aborted = context.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(budget);
        context.Features.Set(new Feature(Environment.TickCount64 + (long)budget.TotalMilliseconds));
        context.RequestAborted = deadline.Token; // what Wolverine hands the endpoint as its CancellationToken
        try
        {
            await next(context);
        }
        catch (OperationCanceledException e) when (!aborted.IsCancellationRequested && deadline.IsCancellationRequested && !context.Response.HasStarted)
        {
            context.RequestAborted = aborted;
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookDeadline))
                .LogWarning("A webhook was not answered within {Budget} s and was shed with a 503", budget.TotalSeconds);
            await Problems.Unavailable(context, e);
        }
        finally
        {
            context.RequestAborted = aborted;
        }
    }
}
