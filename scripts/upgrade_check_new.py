import json, sys
f=json.load(open(sys.argv[1])); print({k:(len(v) if isinstance(v,(list,dict)) else v) for k,v in f.items() if k!="id_token"}); print(f["case_sequences"], f["serial_counters"])
