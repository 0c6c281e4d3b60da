using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using PayTrust.Application.Features.Gateways;
using PayTrust.Domain.Monetary;
using PayTrust.Infrastructure.Persistence.Migrations;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace PayTrust.Architecture.Tests;

/// <summary>Dependencies point inwards: Api → Application → Domain, Infrastructure → Application/Domain.</summary>
public class LayeringTests
{
    private const string Domain = @"^PayTrust\.Domain(\..+)?$";
    private const string Application = @"^PayTrust\.Application(\..+)?$";
    private const string Infrastructure = @"^PayTrust\.Infrastructure(\..+)?$";
    private const string Api = @"^PayTrust\.Api(\..+)?$";
    private const string DataAccess = @"^(Dapper|MySqlConnector|System\.Data)(\..+)?$";

    private static readonly ArchUnitNET.Domain.Architecture Architecture = new ArchLoader()
        .LoadAssemblies(typeof(Money).Assembly, typeof(ListGateways).Assembly, typeof(DatabaseMigrator).Assembly, typeof(Program).Assembly)
        .Build();

    [Fact]
    public void Domain_depends_on_nothing_of_ours()
    {
        Types().That().ResideInNamespaceMatching(Domain)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^PayTrust\.(Application|Infrastructure|Api)(\..+)?$")
            .Check(Architecture);
    }

    [Fact]
    public void Domain_uses_no_framework_beyond_NodaTime()
    {
        Types().That().ResideInNamespaceMatching(Domain)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^(Microsoft|Mediator|FluentValidation|Dapper|MySqlConnector|Serilog|System\.Data|System\.Net)(\..+)?$")
            .Check(Architecture);
    }

    [Fact]
    public void Application_does_not_know_infrastructure_the_host_or_the_database_driver()
    {
        Types().That().ResideInNamespaceMatching(Application)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^(PayTrust\.(Infrastructure|Api)|MySqlConnector|Microsoft\.AspNetCore)(\..+)?$")
            .Check(Architecture);
    }

    [Fact]
    public void Infrastructure_does_not_know_the_host()
    {
        Types().That().ResideInNamespaceMatching(Infrastructure)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(Api)
            .Check(Architecture);
    }

    [Fact]
    public void Api_runs_no_SQL()
    {
        Types().That().ResideInNamespaceMatching(Api)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(DataAccess)
            .Check(Architecture);
    }

    [Fact]
    public void Api_holds_no_domain_logic_it_only_maps_domain_errors()
    {
        Types().That().ResideInNamespaceMatching(Api)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(@"^PayTrust\.Domain\.(?!Errors$).+$")
            .Check(Architecture);
    }

    [Fact]
    public void Endpoints_only_dispatch_and_never_touch_infrastructure()
    {
        Types().That().ResideInNamespaceMatching(@"^PayTrust\.Api\.Endpoints$")
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceMatching(Infrastructure)
            .Check(Architecture);
    }
}
