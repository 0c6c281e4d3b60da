using System.Diagnostics.CodeAnalysis;

// RailResult<T>.Succeeded/Pending/Failed are the type's factories: RailResult<CheckoutSession>.Failed(…) reads as
// intended, and CA1000's alternative (a non-generic companion class) would only move the same call elsewhere.
[assembly: SuppressMessage("Design", "CA1000:Do not declare static members on generic types",
    Scope = "type", Target = "~T:PayTrust.Domain.Payments.RailResult`1",
    Justification = "Factory methods of a result type.")]
