int cpcFakeOrphan() { return 0; }
