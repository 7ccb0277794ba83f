"""The line: stations, work orders, units, lots and their execution (app label "mes")."""
