"""The GraphQL API: strawberry types, queries and mutations that validate, call the domain and map."""
