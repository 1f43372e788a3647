print("mnl")
