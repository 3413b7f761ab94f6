"""FSL, Fauna's schema language: `.fsl` files that declare collections, functions, roles and access
providers, and what core does with them (parse, generate from stored definitions, diff, apply)."""
