using JasperFx.CodeGeneration;
using Wolverine.Http;

namespace GrowHalo.Platform.Http;

/// <summary>
/// The body an endpoint reads itself (webhooks verify a signature over the raw bytes; batches and connections check
/// every field and name the wrong ones), described for the OpenAPI document as <paramref name="type"/>: Wolverine
/// only describes bodies it binds. <see cref="OpenApiSetup"/> turns it into the operation's request body.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DocumentsBodyAttribute(Type type) : ModifyHttpChainAttribute
{
    public override void Modify(HttpChain chain, GenerationRules rules) => chain.Metadata.WithMetadata(new DocumentedBody(type));
}

public sealed record DocumentedBody(Type Type);
