"""Staff and payroll: pay rules, payroll calculation and approval, payroll documents."""
