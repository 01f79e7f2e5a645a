"""The events' domain logic, shared by the pages, the commands and the programme's measures."""
