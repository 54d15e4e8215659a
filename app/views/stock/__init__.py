"""Stock pages and APIs: products, suppliers, movements, desk sales, lending, purchase requests."""
