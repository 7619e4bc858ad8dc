// PLACEHOLDER: the sandbox entry point.
return 0;
