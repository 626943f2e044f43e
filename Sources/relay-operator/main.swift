print("relay-operator: not yet")
