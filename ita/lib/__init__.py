"""Plain helpers with no models: Thai text and dates, charts, the table writer, form fields."""
