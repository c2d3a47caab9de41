"""Views: delegates and widgets that paint what the models hold."""
