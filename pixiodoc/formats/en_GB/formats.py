"""British English as the practices read it: Django's dates, 24-hour times.

Django's en_GB shows "2:30 p.m." and "noon"; clinical records and audit logs
have always shown 14:30. Only these names differ; the rest is Django's.
"""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
