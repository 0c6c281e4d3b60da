using System.Reflection;
using Mediator;
using PayTrust.Application.Features.Gateways;

namespace PayTrust.Architecture.Tests;

/// <summary>Use cases follow the house style: immutable record messages, sealed internal handlers.</summary>
public class UseCaseConventionTests
{
    private static readonly Type[] ApplicationTypes = typeof(ListGateways).Assembly.GetTypes();

    private static readonly Type[] HandlerInterfaces = [typeof(ICommandHandler<,>), typeof(IQueryHandler<,>), typeof(IRequestHandler<,>)];

    private static readonly Type[] MessageInterfaces = [typeof(ICommand<>), typeof(IQuery<>), typeof(IRequest<>)];

    [Fact]
    public void Handlers_are_sealed_and_internal()
    {
        var handlers = ApplicationTypes.Where(type => Implements(type, HandlerInterfaces)).ToArray();

        Assert.NotEmpty(handlers);
        Assert.All(handlers, handler => Assert.True(handler.IsSealed && !handler.IsPublic, $"{handler.Name} must be internal sealed"));
    }

    [Fact]
    public void Commands_and_queries_are_sealed_records()
    {
        var messages = ApplicationTypes.Where(type => Implements(type, MessageInterfaces)).ToArray();

        Assert.NotEmpty(messages);
        Assert.All(messages, message =>
        {
            Assert.True(message.IsSealed, $"{message.Name} must be sealed");
            // The compiler gives every record a <Clone>$ method; nothing else has one.
            Assert.True(message.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null, $"{message.Name} must be a record");
        });
    }

    [Fact]
    public void Every_message_has_exactly_one_handler_in_the_same_file_named_for_it()
    {
        var messages = ApplicationTypes.Where(type => Implements(type, MessageInterfaces));

        Assert.All(messages, message =>
        {
            var handler = Assert.Single(ApplicationTypes, type => type.GetInterfaces().Any(i =>
                i.IsGenericType && HandlerInterfaces.Contains(i.GetGenericTypeDefinition()) && i.GetGenericArguments()[0] == message));
            Assert.Equal($"{message.Name}Handler", handler.Name);
        });
    }

    private static bool Implements(Type type, Type[] openGenerics) =>
        !type.IsAbstract && type.GetInterfaces().Any(i => i.IsGenericType && openGenerics.Contains(i.GetGenericTypeDefinition()));
}
