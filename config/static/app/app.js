// Behaviour lives here, not inline: the Content-Security-Policy forbids inline scripts.
