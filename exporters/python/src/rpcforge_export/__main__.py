from rpcforge_export.cli import main

raise SystemExit(main())
